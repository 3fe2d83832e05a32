package scenarios

import (
	"strings"
	"testing"
)

// FuzzLoad checks that Load never panics, that every failure is an
// *Errors with located problems, and that every scenario it accepts
// survives a Marshal/Load round trip unchanged.
func FuzzLoad(f *testing.F) {
	for _, name := range Bundled() {
		src, _ := BundledSource(name)
		f.Add(src, "")
		f.Add(src, "workload.rate=max")
	}
	f.Add([]byte(minimal), "driver.options.inject={drop: 1}")
	f.Add([]byte(kitchen), "driver.options.nested.items.1={name: b}")
	f.Add([]byte("a: &a [*a, *a]\nb: *a\n"), "")
	f.Add([]byte("name: x\n---\nname: y\n"), "")
	f.Add([]byte("- 1\n- 2\n"), "expect.lost=1")
	f.Add([]byte("name: x\nname: x\n<<: {a: 1}\n"), "name")
	f.Add([]byte("workload: {duration: 20, rate: .inf}\nexpect: {lost: .nan}\n"), "workload.keys.count=-1")
	reg := testRegistry()
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		var sets []string
		if set != "" {
			sets = strings.Split(set, "\n")
		}
		s, err := Load("fuzz.yaml", data, reg, sets)
		if err != nil {
			if s != nil {
				t.Fatal("Load returned both a scenario and an error")
			}
			for _, line := range problems(t, err) {
				if !strings.HasPrefix(line, "fuzz.yaml") && !strings.HasPrefix(line, "--set ") {
					t.Fatalf("problem without location: %q", line)
				}
			}
			return
		}
		roundTrip(t, s, reg)
	})
}
