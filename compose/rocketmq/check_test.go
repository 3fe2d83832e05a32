package rocketmq

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// composeFile is the part of the compose spec these files use; decoding
// with KnownFields catches a misspelt key.
type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	User        string            `yaml:"user"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
}

// want is what a compose file must hold: the published ports of every
// service (besides init-volumes) and the conf file of every broker.
type want struct {
	ports   map[string][]string // service -> "host:container"
	brokers map[string]string   // broker service -> conf file, relative to the compose file
	dledger bool
}

var (
	imageRe = regexp.MustCompile(`^\$\{ROCKETMQ_IMAGE:-apache/rocketmq:[0-9]+\.[0-9]+\.[0-9]+\}$`)
	heapRe  = regexp.MustCompile(`^\$\{ROCKETMQ_(NAMESRV|BROKER)_HEAP:-[0-9]+\}$`)
)

const (
	initService = "init-volumes"
	confPath    = "/home/rocketmq/broker.conf"
	storePath   = "/home/rocketmq/store"
)

// checkCompose returns every problem of the compose file at path.
func checkCompose(path string, w want) []string {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	b, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	var cf composeFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&cf); err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}
	}
	names := []string{initService}
	for s := range w.ports {
		names = append(names, s)
	}
	if got := sortedKeys(cf.Services); !slices.Equal(got, sortedStrings(names)) {
		bad("services %v, want %v", got, sortedStrings(names))
	}
	initVols := cf.Services[initService].Volumes
	for name, svc := range cf.Services {
		if !imageRe.MatchString(svc.Image) {
			bad("%s: image %q is not ${ROCKETMQ_IMAGE:-apache/rocketmq:X.Y.Z}", name, svc.Image)
		}
		if name != initService && !slices.Equal(svc.Ports, w.ports[name]) {
			bad("%s: ports %v, want %v", name, svc.Ports, w.ports[name])
		}
		for _, p := range checkVolumes(filepath.Dir(path), name, svc, cf.Volumes, initVols) {
			bad("%s", p)
		}
	}
	if ns, ok := cf.Services["namesrv"]; ok {
		if !slices.Equal(ns.Command, []string{"sh", "mqnamesrv"}) || !heapRe.MatchString(ns.Environment["MAX_POSSIBLE_HEAP"]) {
			bad("namesrv: command %v, MAX_POSSIBLE_HEAP %q", ns.Command, ns.Environment["MAX_POSSIBLE_HEAP"])
		}
	}
	confs := map[string]map[string]string{}
	for name, conf := range w.brokers {
		svc := cf.Services[name]
		probs = append(probs, checkBroker(name, svc)...)
		props, err := readProps(filepath.Join(filepath.Dir(path), conf))
		if err != nil {
			bad("%s: %v", name, err)
			continue
		}
		confs[name] = props
		probs = append(probs, checkConf(name, props, svc.Ports)...)
	}
	if w.dledger {
		probs = append(probs, checkDLedger(confs)...)
	}
	return probs
}

// checkVolumes: bind-mounted files exist, named volumes are declared and
// chowned by init-volumes.
func checkVolumes(dir, name string, svc composeService, declared map[string]any, initVols []string) []string {
	var probs []string
	for _, v := range svc.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 {
			probs = append(probs, fmt.Sprintf("%s: volume %q is not SOURCE:TARGET", name, v))
			continue
		}
		src := parts[0]
		switch {
		case strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../"):
			if st, err := os.Stat(filepath.Join(dir, src)); err != nil || !st.Mode().IsRegular() {
				probs = append(probs, fmt.Sprintf("%s: mounted file %s does not exist", name, src))
			}
		case strings.HasPrefix(src, "/"):
			probs = append(probs, fmt.Sprintf("%s: absolute host path %s", name, src))
		default:
			if _, ok := declared[src]; !ok {
				probs = append(probs, fmt.Sprintf("%s: named volume %s is not declared", name, src))
			}
			if name != initService && !slices.ContainsFunc(initVols, func(iv string) bool { return strings.HasPrefix(iv, src+":") }) {
				probs = append(probs, fmt.Sprintf("%s: volume %s is not chowned by %s", name, src, initService))
			}
		}
	}
	return probs
}

// checkBroker: the start command reads the mounted conf, the store is a
// volume, the name server and heap come from the environment.
func checkBroker(name string, svc composeService) []string {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, name+": "+fmt.Sprintf(format, args...)) }
	if !slices.Equal(svc.Command, []string{"sh", "mqbroker", "-c", confPath}) {
		bad("command %v, want sh mqbroker -c %s", svc.Command, confPath)
	}
	if !slices.ContainsFunc(svc.Volumes, func(v string) bool { return strings.HasPrefix(v, "./") && strings.Contains(v, ":"+confPath) }) {
		bad("no conf file mounted at %s", confPath)
	}
	if !slices.ContainsFunc(svc.Volumes, func(v string) bool { return strings.HasSuffix(v, ":"+storePath) }) {
		bad("no volume at %s", storePath)
	}
	if svc.Environment["NAMESRV_ADDR"] != "namesrv:9876" || !heapRe.MatchString(svc.Environment["MAX_POSSIBLE_HEAP"]) {
		bad("environment %v", svc.Environment)
	}
	if svc.DependsOn[initService].Condition != "service_completed_successfully" || svc.DependsOn["namesrv"].Condition == "" {
		bad("depends_on %v", svc.DependsOn)
	}
	return probs
}

// checkConf: the broker listens on a port published under the same
// number, registers a brokerIP1 and uses the store volume.
func checkConf(name string, p map[string]string, ports []string) []string {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, name+" conf: "+fmt.Sprintf(format, args...)) }
	for k, v := range map[string]string{"namesrvAddr": "namesrv:9876", "storePathRootDir": storePath,
		"storePathCommitLog": storePath + "/commitlog", "brokerIP1": "127.0.0.1"} {
		if p[k] != v {
			bad("%s = %q, want %q", k, p[k], v)
		}
	}
	if lp := p["listenPort"]; lp == "" || !slices.Contains(ports, lp+":"+lp) {
		bad("listenPort %q is not published as %s:%s (ports %v)", lp, lp, lp, ports)
	}
	if p["brokerName"] == "" || p["brokerClusterName"] == "" {
		bad("brokerName %q, brokerClusterName %q", p["brokerName"], p["brokerClusterName"])
	}
	return probs
}

// checkDLedger: one group, the same peers everywhere, each node's self id
// in the peers at its own service name.
func checkDLedger(confs map[string]map[string]string) []string {
	var probs []string
	var group, peers string
	ids := map[string]string{}
	for name, p := range confs {
		if p["enableDLegerCommitLog"] != "true" {
			probs = append(probs, name+": enableDLegerCommitLog is not true")
		}
		if group == "" {
			group, peers = p["dLegerGroup"], p["dLegerPeers"]
		}
		if p["dLegerGroup"] != group || p["dLegerPeers"] != peers || p["brokerName"] != group {
			probs = append(probs, fmt.Sprintf("%s: group %q peers %q brokerName %q differ from %q %q", name, p["dLegerGroup"], p["dLegerPeers"], p["brokerName"], group, peers))
		}
		if other, dup := ids[p["dLegerSelfId"]]; dup {
			probs = append(probs, fmt.Sprintf("%s and %s share dLegerSelfId %q", name, other, p["dLegerSelfId"]))
		}
		ids[p["dLegerSelfId"]] = name
	}
	for _, peer := range strings.Split(peers, ";") {
		id, hostPort, _ := strings.Cut(peer, "-")
		host, _, _ := strings.Cut(hostPort, ":")
		if ids[id] != host {
			probs = append(probs, fmt.Sprintf("peer %q: %s is not the service whose dLegerSelfId is %s", peer, host, id))
		}
	}
	if len(ids) != 3 || len(strings.Split(peers, ";")) != 3 {
		probs = append(probs, fmt.Sprintf("want 3 nodes and 3 peers, got %d and %q", len(ids), peers))
	}
	return probs
}

// readProps reads a Java properties file (key=value lines, # comments).
func readProps(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s: line %q is not key=value", path, line)
		}
		if _, dup := out[strings.TrimSpace(k)]; dup {
			return nil, fmt.Errorf("%s: %s set twice", path, strings.TrimSpace(k))
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, sc.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return sortedStrings(out)
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
