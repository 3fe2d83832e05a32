package compose

// Change is one change a cluster makes to the machine outside its own
// directory: a network namespace, a network link, a firewall rule. A
// cluster reports each change to Env.Journal before making it and after
// undoing it, so that `brokerbench heal` can undo what a crashed harness
// left (compose/netns.Undo knows how to undo each kind).
type Change struct {
	// Kind is one of the Change* constants.
	Kind string `json:"kind"`
	// Name is the namespace (ChangeNetns) or link (ChangeLink) name.
	Name string `json:"name,omitempty"`
	// NS is the namespace a ChangeRule lives in ("" = the host's).
	NS string `json:"ns,omitempty"`
	// Args is a ChangeRule's iptables rule: table-less arguments after
	// the -A/-D (e.g. ["INPUT", "-s", "10.1.2.3/32", "-j", "DROP"]).
	Args []string `json:"args,omitempty"`
}

// Change kinds.
const (
	ChangeNetns = "netns"    // a network namespace was created
	ChangeLink  = "link"     // a network link was created in the host's namespace
	ChangeRule  = "iptables" // an iptables rule was appended
)

// Journal records machine changes. Made is called before a change is made
// (so a crash in between leaves a journaled change that may not exist:
// undoing must tolerate that), Undone after it was undone. A nil Journal
// in Env means none; implementations are safe for concurrent use.
type Journal interface {
	Made(c Change) error
	Undone(c Change) error
}
