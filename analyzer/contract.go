package analyzer

import "github.com/callqa/callqa/result"

// The analyzer fills package result's types; these are their names here,
// so that the engine's code and its callers can keep saying
// analyzer.Result. Output packages import result instead.
type (
	Result        = result.Result
	Finding       = result.Finding
	Hint          = result.Hint
	Coverage      = result.Coverage
	Suppressed    = result.Suppressed
	RoleInference = result.RoleInference
	RoleEvidence  = result.RoleEvidence
	RoleDispute   = result.RoleDispute
)

// Violation categories and task and step codes: result's, which are
// lexicon's.
const (
	CategoryInsult        = result.CategoryInsult
	CategoryThreat        = result.CategoryThreat
	CategoryFalseLegal    = result.CategoryFalseLegal
	CategoryDisclosure    = result.CategoryDisclosure
	CategoryCustomerAbuse = result.CategoryCustomerAbuse
)

var (
	// ViolationCategories lists the scored categories in report order.
	ViolationCategories = result.ViolationCategories
	// TaskCodes and StepCodes list the core tasks and the steps.
	TaskCodes = result.TaskCodes
	StepCodes = result.StepCodes
)

// IsViolation reports whether category is one of the four scored
// categories.
func IsViolation(category string) bool { return result.IsViolation(category) }
