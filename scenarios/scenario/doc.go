// Package scenario is the model of a lab scenario (cast, background, attack, faults) and its
// loader: Load reads a scenario folder, decodes each YAML file strictly (unknown fields are
// errors) and validates every reference and value, reporting all problems at once as
// "file.yaml:LINE: path.in[2].file: what is wrong". LoadBuiltin loads an embedded scenario.
//
// The catalogs (SignInErrors, ARMOperations, AuditActivities, KeyVaultOperations, BlobOperations)
// are the real services' vocabularies that scenarios may use. See package scenarios for the file
// format.
package scenario
