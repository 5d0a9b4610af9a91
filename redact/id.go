package redact

// validID reports whether d, 17 digits and a check character, is a valid
// resident identity card number (GB 11643-1999): a province code in use,
// a real birth date in 1900–2099, and the check character that the ISO 7064
// MOD 11-2 weights give.
func validID(d string) bool {
	if len(d) != 18 || !isProvince(d[:2]) {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := d[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * idWeights[i]
	}
	if idCheck[sum%11] != d[17] {
		return false
	}
	return validDate(atoi(d[6:10]), atoi(d[10:12]), atoi(d[12:14]))
}

// idWeights are the weights of the 17 digits; idCheck[sum%11] is the check
// character.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheck = "10X98765432"

// isProvince reports whether p is the code of a province-level division
// (11–65), of Taiwan (71) or of Hong Kong, Macao and Taiwan residence
// permits (81–83).
func isProvince(p string) bool {
	switch p[0] {
	case '1':
		return p[1] >= '1' && p[1] <= '5'
	case '2':
		return p[1] >= '1' && p[1] <= '3'
	case '3':
		return p[1] >= '1' && p[1] <= '7'
	case '4':
		return p[1] >= '1' && p[1] <= '6'
	case '5':
		return p[1] >= '0' && p[1] <= '4'
	case '6':
		return p[1] >= '1' && p[1] <= '5'
	case '7':
		return p[1] == '1'
	case '8':
		return p[1] >= '1' && p[1] <= '3'
	}
	return false
}

// validDate reports whether y-m-d is a real date in 1900–2099.
func validDate(y, m, d int) bool {
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// atoi returns the value of a string of ASCII digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
