module github.com/callqa/callqa

go 1.26.0

require (
	github.com/longbridgeapp/opencc v0.3.13
	golang.org/x/text v0.44.0
)

require (
	github.com/go-ego/gse v0.80.3
	github.com/inconshreveable/mousetrap v1.1.0
	github.com/liuzl/cedar-go v0.0.0-20170805034717-80a9c64b256d
	github.com/liuzl/da v0.0.0-20180704015230-14771aad5b1d
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.9
	github.com/stretchr/testify v1.12.1
	github.com/vcaesar/cedar v0.20.2
	gopkg.in/yaml.v3 v3.0.1
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
