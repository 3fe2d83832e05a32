package rocketmq

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	single = want{
		ports:   map[string][]string{"namesrv": {"9876:9876"}, "broker-a": {"10911:10911", "10909:10909"}},
		brokers: map[string]string{"broker-a": "broker.conf"},
	}
	dledger = want{
		ports: map[string][]string{"namesrv": {"9876:9876"},
			"broker-n0": {"30911:30911", "30909:30909"}, "broker-n1": {"30921:30921", "30919:30919"},
			"broker-n2": {"30931:30931", "30929:30929"}},
		brokers: map[string]string{"broker-n0": "broker-n0.conf", "broker-n1": "broker-n1.conf", "broker-n2": "broker-n2.conf"},
		dledger: true,
	}
)

// TestComposeFiles checks both compose files and their broker confs.
func TestComposeFiles(t *testing.T) {
	for path, w := range map[string]want{"docker-compose.yml": single, "dledger/docker-compose.yml": dledger} {
		for _, p := range checkCompose(path, w) {
			t.Errorf("%s: %s", path, p)
		}
	}
}

// TestComposeCheckFails breaks a copy of the DLedger files in several
// ways; the check must report each.
func TestComposeCheckFails(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"docker-compose.yml", "broker-n0.conf", "broker-n2.conf"} {
		b, err := os.ReadFile(filepath.Join("dledger", f))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		switch f {
		case "docker-compose.yml":
			s = strings.Replace(s, "image: ${ROCKETMQ_IMAGE:-apache/rocketmq:5.3.1}", "image: apache/rocketmq:latest", 1)
			s = strings.Replace(s, `"30931:30931"`, `"30932:30931"`, 1)
		case "broker-n2.conf":
			s = strings.Replace(s, "dLegerSelfId=n2", "dLegerSelfId=n0", 1)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	probs := strings.Join(checkCompose(filepath.Join(dir, "docker-compose.yml"), dledger), "\n")
	for _, want := range []string{
		`image "apache/rocketmq:latest" is not`,
		"broker-n2: ports [30932:30931 30929:30929]",
		"mounted file ./broker-n1.conf does not exist",
		`share dLegerSelfId "n0"`,
	} {
		if !strings.Contains(probs, want) {
			t.Errorf("problems lack %q:\n%s", want, probs)
		}
	}
	if probs := checkCompose("docker-compose.yml", dledger); len(probs) == 0 {
		t.Error("the single-broker file passed as the DLedger one")
	}
}
