package soclab

import _ "embed"

//go:embed challenge.md
var challenge string

// ChallengeFile is the name of the built-in lab text.
const ChallengeFile = "challenge.md"

// Challenge returns the built-in lab text (challenge.md as it was when the binary was built).
func Challenge() string { return challenge }
