package checker

import (
	"fmt"
	"io"
	"os"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// CheckDir checks the op logs of the run in runDir (oplog.SendPaths and
// oplog.DeliveryPaths; ids from the file names, ties broken by id). With
// opts.Consumers 0 the number of delivery logs is used. A log shorter than
// its header (a crash right after creating it) is taken as an empty,
// truncated log.
func CheckDir(runDir string, opts Options) (*Result, error) {
	sends, err := oplog.SendPaths(runDir)
	if err != nil {
		return nil, fmt.Errorf("checking %s: %w", runDir, err)
	}
	delivs, err := oplog.DeliveryPaths(runDir)
	if err != nil {
		return nil, fmt.Errorf("checking %s: %w", runDir, err)
	}
	c := New()
	for _, path := range sends {
		id, err := oplog.ParseID(path)
		if err != nil {
			return nil, err
		}
		c.AddProducer(uint32(id), func() (SendSource, error) { return openSendFile(path) })
	}
	for _, path := range delivs {
		id, err := oplog.ParseID(path)
		if err != nil {
			return nil, err
		}
		c.AddConsumer(uint32(id), func() (DeliverySource, error) { return openDeliveryFile(path) })
	}
	res, err := c.Run(opts)
	if err != nil {
		return nil, fmt.Errorf("checking %s: %w", runDir, err)
	}
	return res, nil
}

// headerSize is the length of an op log's header.
const headerSize = 8

// cutHeader stands for a log cut inside its header: no records, truncated.
type cutHeader struct{}

// Read reports the cut.
func (cutHeader) Read(*oplog.Send) error { return io.ErrUnexpectedEOF }

// cutDeliveryHeader is cutHeader for a delivery log.
type cutDeliveryHeader struct{}

// Read reports the cut.
func (cutDeliveryHeader) Read(*oplog.Delivery) error { return io.ErrUnexpectedEOF }

// sendFile is a send log file being read.
type sendFile struct {
	*oplog.SendReader
	f *os.File
}

// Close closes the file.
func (s sendFile) Close() error { return s.f.Close() }

// deliveryFile is a delivery log file being read.
type deliveryFile struct {
	*oplog.DeliveryReader
	f *os.File
}

// Close closes the file.
func (d deliveryFile) Close() error { return d.f.Close() }

// openLog opens path and reports whether it is shorter than a header.
func openLog(path string) (*os.File, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, false, err
	}
	if st.Size() < headerSize {
		f.Close()
		return nil, true, nil
	}
	return f, false, nil
}

func openSendFile(path string) (SendSource, error) {
	f, short, err := openLog(path)
	if err != nil || short {
		return cutHeader{}, err
	}
	r, err := oplog.NewSendReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sendFile{r, f}, nil
}

func openDeliveryFile(path string) (DeliverySource, error) {
	f, short, err := openLog(path)
	if err != nil || short {
		return cutDeliveryHeader{}, err
	}
	r, err := oplog.NewDeliveryReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return deliveryFile{r, f}, nil
}
