package exec

import (
	"math"
	"unsafe"
)

// Joins on dictionary codes. When one side's string key column has a dictionary (contract:
// (*Vector).Dict, built once per column and cached), both sides' keys become codes of that
// dictionary: its rows' codes as they are, the other side's rows translated once through the
// dictionary's index (a value it lacks can match nothing: no code). The hash join then hashes
// and compares integers, not texts. Two views of one column (a self-join, `take` joined with a
// later window of the same table) share a dictionary and translate nothing.

// noCode marks a row whose key the dictionary lacks.
const noCode = math.MaxUint32

// codeKeys is a key column of dictionary codes (noCode never matches).
type codeKeys struct{ c []uint32 }

func (k codeKeys) hash(i int32) uint64                  { return mix64(uint64(k.c[i])) }
func (k codeKeys) null(i int32) bool                    { return k.c[i] == noCode }
func (k codeKeys) eq(i int32, o codeKeys, j int32) bool { return k.c[i] == o.c[j] }

// joinDict returns the dictionary of a join's string key column when it has one already, or
// when the column is asked for it from a second run on (Env.FilterDict's policy: a stored
// column's dictionary pays over the runs after).
func joinDict(env *Env, v *Vector) *StringDict {
	if d := v.cachedDict(); d != nil {
		return d
	}
	return env.FilterDict(v)
}

// dictCodes returns both sides' keys as codes of one dictionary, or false when neither side
// has a dictionary. Translating a side charges its codes.
func dictCodes(env *Env, lv, rv *Vector) (left, right codeKeys, ok bool, err error) {
	ld, rd := joinDict(env, lv), joinDict(env, rv)
	if ld != nil && len(ld.Codes) != len(lv.S) {
		ld = nil
	}
	if rd != nil && len(rd.Codes) != len(rv.S) {
		rd = nil
	}
	switch {
	case ld != nil && rd != nil && ld.index == rd.index:
		return codeKeys{ld.Codes}, codeKeys{rd.Codes}, true, nil
	case ld != nil:
		rc, err := translate(env, ld, rv.S)
		return codeKeys{ld.Codes}, codeKeys{rc}, err == nil, err
	case rd != nil:
		lc, err := translate(env, rd, lv.S)
		return codeKeys{lc}, codeKeys{rd.Codes}, err == nil, err
	}
	return codeKeys{}, codeKeys{}, false, nil
}

// translate returns the codes in d of the strings s (noCode for a string d lacks).
func translate(env *Env, d *StringDict, s []string) ([]uint32, error) {
	if err := env.Mem.Charge(4*int64(len(s)), "HashJoin"); err != nil {
		return nil, err
	}
	out := make([]uint32, len(s))
	workers := parallelism(env, len(s))
	err := runChunks(len(s), workers, func(_, lo, hi int) error {
		prev, prevCode := "", uint32(noCode)
		for i := lo; i < hi; i++ {
			if (i-lo)%checkEvery == 0 {
				if err := env.Check(); err != nil {
					return err
				}
			}
			x := s[i]
			if i > lo && len(x) == len(prev) && unsafe.StringData(x) == unsafe.StringData(prev) { // the same text: one lookup
				out[i] = prevCode
				continue
			}
			c, found := d.Code(x)
			if !found {
				c = noCode
			}
			out[i], prev, prevCode = c, x, c
		}
		return nil
	})
	return out, err
}
