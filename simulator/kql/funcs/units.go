package funcs

import (
	"math"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// convert_* unit conversions. Kusto uses the UnitsNet unit names; each
// table gives a unit's size in the family's base unit. Unknown units
// give null.

const (
	inch      = 0.0254
	usSurvey  = 1200.0 / 3937.0
	usGallon  = 0.00378541
	impGallon = 0.00454609
	cubicFoot = 0.028316846592
	btu       = 1055.05585262
	eV        = 1.602176565e-19
	lightYear = 9.46073047258e15
	parsec    = 3.08567758128e16
)

var lengthUnits = map[string]float64{
	"angstrom": 1e-10, "astronomicalunit": 1.4959787070e11, "centimeter": 1e-2, "chain": 20.1168,
	"datamile": 1828.8, "decameter": 10, "decimeter": 0.1, "dtppica": inch / 6, "dtppoint": inch / 72,
	"fathom": 1.8288, "foot": 0.3048, "hand": 0.1016, "hectometer": 100, "inch": inch,
	"kilolightyear": lightYear * 1e3, "kilometer": 1e3, "kiloparsec": parsec * 1e3, "lightyear": lightYear,
	"megalightyear": lightYear * 1e6, "megaparsec": parsec * 1e6, "meter": 1, "microinch": inch * 1e-6,
	"micrometer": 1e-6, "mil": inch * 1e-3, "mile": 1609.344, "millimeter": 1e-3, "nanometer": 1e-9,
	"nauticalmile": 1852, "parsec": parsec, "printerpica": 1 / 237.106301584, "printerpoint": inch / 72.27,
	"shackle": 27.432, "solarradius": 6.95510000e8, "twip": inch / 1440, "ussurveyfoot": usSurvey, "yard": 0.9144,
}

var massUnits = map[string]float64{
	"centigram": 1e-5, "decagram": 1e-2, "decigram": 1e-4, "earthmass": 5.9722e24, "grain": 64.79891e-6,
	"gram": 1e-3, "hectogram": 0.1, "kilogram": 1, "kilopound": 453.59237, "kilotonne": 1e6,
	"longhundredweight": 50.80234544, "longton": 1016.0469088, "megapound": 453592.37, "megatonne": 1e9,
	"microgram": 1e-9, "milligram": 1e-6, "nanogram": 1e-12, "ounce": 0.028349523125, "pound": 0.45359237,
	"shorthundredweight": 45.359237, "shortton": 907.18474, "slug": 14.593902937206, "solarmass": 1.98947e30,
	"stone": 6.35029318, "tonne": 1000,
}

var forceUnits = map[string]float64{
	"decanewton": 10, "dyn": 1e-5, "kilogramforce": 9.80665, "kilonewton": 1e3, "kilopond": 9.80665,
	"kilopoundforce": 4448.2216152605, "meganewton": 1e6, "micronewton": 1e-6, "millinewton": 1e-3,
	"newton": 1, "ounceforce": 0.27801385095378125, "poundal": 0.138254954376, "poundforce": 4.4482216152605,
	"shorttonforce": 8896.443230521, "tonneforce": 9806.65,
}

var energyUnits = map[string]float64{
	"britishthermalunit": btu, "calorie": 4.184, "decathermec": 1.05505585262e9,
	"decathermimperial": 1.05505585257348e9, "decathermus": 1.054804e9, "electronvolt": eV, "erg": 1e-7,
	"footpound": 1.355817948, "gigabritishthermalunit": btu * 1e9, "gigaelectronvolt": eV * 1e9,
	"gigajoule": 1e9, "gigawattday": 8.64e13, "gigawatthour": 3.6e12, "horsepowerhour": 2.6845e6, "joule": 1,
	"kilobritishthermalunit": btu * 1e3, "kilocalorie": 4184, "kiloelectronvolt": eV * 1e3, "kilojoule": 1e3,
	"kilowattday": 8.64e7, "kilowatthour": 3.6e6, "megabritishthermalunit": btu * 1e6, "megacalorie": 4.184e6,
	"megaelectronvolt": eV * 1e6, "megajoule": 1e6, "megawattday": 8.64e10, "megawatthour": 3.6e9,
	"millijoule": 1e-3, "teraelectronvolt": eV * 1e12, "terawattday": 8.64e16, "terawatthour": 3.6e15,
	"thermec": 1.05505585262e8, "thermimperial": 1.05505585257348e8, "thermus": 1.054804e8,
	"wattday": 86400, "watthour": 3600,
}

var speedUnits = func() map[string]float64 {
	m := map[string]float64{"knot": 1852.0 / 3600, "mileperhour": 0.44704}
	for name, size := range map[string]float64{"centimeter": 1e-2, "decimeter": 0.1, "foot": 0.3048,
		"inch": inch, "kilometer": 1e3, "meter": 1, "micrometer": 1e-6, "millimeter": 1e-3,
		"nanometer": 1e-9, "ussurveyfoot": usSurvey, "yard": 0.9144} {
		m[name+"perhour"] = size / 3600
		m[name+"perminute"] = size / 60
		m[name+"persecond"] = size
	}
	return m
}()

var angleUnits = map[string]float64{
	"arcminute": 1.0 / 60, "arcsecond": 1.0 / 3600, "centiradian": 1e-2 * 180 / math.Pi,
	"deciradian": 0.1 * 180 / math.Pi, "degree": 1, "gradian": 0.9, "microdegree": 1e-6,
	"microradian": 1e-6 * 180 / math.Pi, "millidegree": 1e-3, "milliradian": 1e-3 * 180 / math.Pi,
	"nanodegree": 1e-9, "nanoradian": 1e-9 * 180 / math.Pi, "natomil": 360.0 / 6400, "radian": 180 / math.Pi,
	"revolution": 360,
}

// UnitsNet defines some volumes by rounded factors (acre-foot as 1/0.000810714 m³):
// they are kept so that results match Kusto to the last digit.
var volumeUnits = map[string]float64{
	"acrefoot": 1 / 0.000810714, "autablespoon": 2e-5, "boardfoot": 2.3597372158e-3, "centiliter": 1e-5,
	"cubiccentimeter": 1e-6, "cubicdecimeter": 1e-3, "cubicfoot": cubicFoot, "cubichectometer": 1e6,
	"cubicinch": 1.6387e-5, "cubickilometer": 1e9, "cubicmeter": 1, "cubicmicrometer": 1e-18,
	"cubicmile": 4.16818182544058e9, "cubicmillimeter": 1e-9, "cubicyard": 0.764554858, "decaliter": 1e-2,
	"decausgallon": usGallon * 10, "deciliter": 1e-4, "deciusgallon": usGallon / 10,
	"hectocubicfoot": cubicFoot * 100, "hectocubicmeter": 100, "hectoliter": 0.1, "hectousgallon": usGallon * 100,
	"imperialbeerbarrel": 0.16365924, "imperialgallon": impGallon, "imperialounce": 2.84130625e-5,
	"imperialpint": 5.6826125e-4, "kilocubicfoot": cubicFoot * 1e3, "kilocubicmeter": 1e3,
	"kiloimperialgallon": impGallon * 1e3, "kiloliter": 1, "kilousgallon": usGallon * 1e3, "liter": 1e-3,
	"megacubicfoot": cubicFoot * 1e6, "megaimperialgallon": impGallon * 1e6, "megaliter": 1e3,
	"megausgallon": usGallon * 1e6, "metriccup": 2.5e-4, "metricteaspoon": 0.5e-5, "microliter": 1e-9,
	"milliliter": 1e-6, "oilbarrel": 0.158987294928, "uktablespoon": 1.5e-5, "usbeerbarrel": 0.1173477658,
	"uscustomarycup": 2.365882365e-4, "usgallon": usGallon, "uslegalcup": 2.4e-4,
	"usounce": 2.95735295625e-5, "uspint": 4.73176473e-4, "usquart": 9.46352946e-4,
	"ustablespoon": 1.478676478125e-5, "usteaspoon": 4.92892159375e-6,
}

// temperatureUnits convert to and from kelvin (the scales have offsets).
var temperatureUnits = map[string][2]func(float64) float64{
	"kelvin":             {func(x float64) float64 { return x }, func(k float64) float64 { return k }},
	"degreecelsius":      {func(x float64) float64 { return x + 273.15 }, func(k float64) float64 { return k - 273.15 }},
	"millidegreecelsius": {func(x float64) float64 { return x/1000 + 273.15 }, func(k float64) float64 { return (k - 273.15) * 1000 }},
	"degreefahrenheit":   {func(x float64) float64 { return (x + 459.67) * 5 / 9 }, func(k float64) float64 { return k*9/5 - 459.67 }},
	"degreerankine":      {func(x float64) float64 { return x * 5 / 9 }, func(k float64) float64 { return k * 9 / 5 }},
	"degreedelisle":      {func(x float64) float64 { return 373.15 - x*2/3 }, func(k float64) float64 { return (373.15 - k) * 3 / 2 }},
	"degreenewton":       {func(x float64) float64 { return x*100/33 + 273.15 }, func(k float64) float64 { return (k - 273.15) * 33 / 100 }},
	"degreereaumur":      {func(x float64) float64 { return x*5/4 + 273.15 }, func(k float64) float64 { return (k - 273.15) * 4 / 5 }},
	"degreeroemer":       {func(x float64) float64 { return (x-7.5)*40/21 + 273.15 }, func(k float64) float64 { return (k-273.15)*21/40 + 7.5 }},
	"solartemperature":   {func(x float64) float64 { return x * 5778 }, func(k float64) float64 { return k / 5778 }},
}

func registerUnits(add func(*Func)) {
	for name, table := range map[string]map[string]float64{
		"convert_length": lengthUnits, "convert_mass": massUnits, "convert_force": forceUnits,
		"convert_energy": energyUnits, "convert_speed": speedUnits, "convert_volume": volumeUnits,
	} {
		add(fixed(name, types.Real, []kind{kNum, kString, kString}, 3, 3, func(_ *Context, a []types.Value) types.Value {
			x, ok := types.FromDynamic(a[0]).AsFloat()
			from, ok1 := table[strings.ToLower(str(a[1]))]
			to, ok2 := table[strings.ToLower(str(a[2]))]
			if !ok || !ok1 || !ok2 {
				return nullReal
			}
			return types.NewReal(x * from / to)
		}))
	}
	add(fixed("convert_angle", types.Real, []kind{kNum, kString, kString}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		x, ok := types.FromDynamic(a[0]).AsFloat()
		toDeg, ok1 := angleConverter(str(a[1]), true)
		fromDeg, ok2 := angleConverter(str(a[2]), false)
		if !ok || !ok1 || !ok2 {
			return nullReal
		}
		return types.NewReal(fromDeg(toDeg(x)))
	}))
	add(fixed("convert_temperature", types.Real, []kind{kNum, kString, kString}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		x, ok := types.FromDynamic(a[0]).AsFloat()
		from, ok1 := temperatureUnits[strings.ToLower(str(a[1]))]
		to, ok2 := temperatureUnits[strings.ToLower(str(a[2]))]
		if !ok || !ok1 || !ok2 {
			return nullReal
		}
		return types.NewReal(to[1](from[0](x)))
	}))
}

// angleConverter converts a unit to degrees (toDegrees) or degrees to it;
// tilt is the sine of the angle.
func angleConverter(unit string, toDegrees bool) (func(float64) float64, bool) {
	u := strings.ToLower(unit)
	if u == "tilt" {
		if toDegrees {
			return func(x float64) float64 { return math.Asin(x) * 180 / math.Pi }, true
		}
		return func(x float64) float64 { return math.Sin(x / 180 * math.Pi) }, true
	}
	size, ok := angleUnits[u]
	if !ok {
		return nil, false
	}
	if toDegrees {
		return func(x float64) float64 { return x * size }, true
	}
	return func(x float64) float64 { return x / size }, true
}
