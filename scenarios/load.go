package scenarios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strings"

	"github.com/brokerbench/brokerbench/drivers"
	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest scenario accepted, in bytes (1 MiB).
const MaxSize = 1 << 20

// Registry is what the loader needs to know about drivers.
type Registry interface {
	// Driver returns the factory registered under name.
	Driver(name string) (drivers.Factory, bool)
	// DriverNames lists every registered driver name, sorted.
	DriverNames() []string
}

// Load decodes and validates a scenario. where names the source in
// messages (e.g. "quickstart.yaml" or a path). sets are --set overrides
// "dotted.path=value", applied to the YAML tree before decoding and
// validated the same way as the file.
//
// On problems Load returns a nil Scenario and an *Errors holding every
// problem found. Defaults are filled in (see the field docs of Scenario);
// when the file has no expect section, Expect is DefaultExpect(), and a
// --set expect.METRIC=... adds to those defaults (expect: {} means none).
func Load(where string, data []byte, reg Registry, sets []string) (*Scenario, error) {
	errs := &Errors{}
	if len(data) > MaxSize {
		errs.add(Problem{Where: where, Msg: fmt.Sprintf(
			"the scenario is %d bytes, more than the limit of 1 MiB", len(data))})
		return nil, errs.err()
	}
	root := parseDocument(where, data, errs)
	if root == nil {
		return nil, errs.err()
	}
	d := newDecoder(where, errs)
	for _, set := range sets {
		d.applySet(root, set)
	}
	s := d.decodeScenario(root, reg)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// decodeScenario decodes root over the defaults, decodes the driver
// options, fills the derived defaults and validates.
func (d *decoder) decodeScenario(root *yaml.Node, reg Registry) *Scenario {
	s := defaultScenario()
	d.decode(root, reflect.ValueOf(s).Elem(), "")
	if !d.aborted {
		d.decodeOptions(s, reg)
	}
	if !d.aborted { // after an abort, missing fields are not news
		d.fillDefaults(s)
		d.validate(s)
		d.validateKinds(s, reg)
	}
	return s
}

// Open resolves nameOrPath, a bundled scenario name (e.g. "quickstart") or
// a path to a YAML file, and loads it with Load. A name that contains a
// path separator or ends in .yaml/.yml is always a path.
func Open(nameOrPath string, reg Registry, sets []string) (*Scenario, error) {
	pathLike := strings.ContainsAny(nameOrPath, `/\`) ||
		strings.HasSuffix(nameOrPath, ".yaml") || strings.HasSuffix(nameOrPath, ".yml")
	if !pathLike {
		if src, ok := BundledSource(nameOrPath); ok {
			return Load(nameOrPath+".yaml", src, reg, sets)
		}
	}
	data, err := readLimited(nameOrPath)
	if err != nil {
		if !pathLike && errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("scenario %q: no such file, and not a bundled scenario (bundled: %s)",
				nameOrPath, strings.Join(Bundled(), ", "))
		}
		return nil, fmt.Errorf("reading scenario: %w", err)
	}
	return Load(nameOrPath, data, reg, sets)
}

// readLimited reads at most MaxSize+1 bytes of path, enough for Load to
// report an oversized file without reading all of it.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxSize+1))
}
