package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	fsasl "github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// tlsConfig builds the client TLS configuration, nil when TLS is off.
func (t *TLSOptions) tlsConfig() (*tls.Config, error) {
	if !t.Enabled {
		return nil, nil
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // an explicit scenario option
		ServerName:         t.ServerName,
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca_file %s: no PEM certificate found", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls.cert_file/key_file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// mechanism builds the SASL mechanism, nil when SASL is off. SCRAM comes
// from franz-go's implementation (standard library only), adapted to
// kafka-go's interface, so no further module is needed.
func (s *SASLOptions) mechanism() (sasl.Mechanism, error) {
	auth := scram.Auth{User: s.Username, Pass: s.Password}
	switch s.Mechanism {
	case "":
		return nil, nil
	case "plain":
		return plain.Mechanism{Username: s.Username, Password: s.Password}, nil
	case "scram-sha-256":
		return scramMechanism{auth.AsSha256Mechanism()}, nil
	case "scram-sha-512":
		return scramMechanism{auth.AsSha512Mechanism()}, nil
	}
	return nil, fmt.Errorf("sasl.mechanism: unknown %q", s.Mechanism)
}

// scramMechanism adapts a franz-go SASL mechanism to kafka-go's.
type scramMechanism struct{ m fsasl.Mechanism }

var _ sasl.Mechanism = scramMechanism{}

// Name is the IANA mechanism name, e.g. "SCRAM-SHA-256".
func (s scramMechanism) Name() string { return s.m.Name() }

// Start begins a session and returns the client-first message.
func (s scramMechanism) Start(ctx context.Context) (sasl.StateMachine, []byte, error) {
	host := ""
	if md := sasl.MetadataFromContext(ctx); md != nil {
		host = net.JoinHostPort(md.Host, fmt.Sprint(md.Port))
	}
	sess, first, err := s.m.Authenticate(ctx, host)
	if err != nil {
		return nil, nil, err
	}
	return scramSession{sess}, first, nil
}

// scramSession adapts a franz-go SASL session to kafka-go's state machine.
type scramSession struct{ s fsasl.Session }

// Next answers the server's challenge.
func (s scramSession) Next(_ context.Context, challenge []byte) (bool, []byte, error) {
	if s.s == nil {
		return false, nil, errors.New("sasl: no session")
	}
	return s.s.Challenge(challenge)
}
