package rabbitmq

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// leaderTimeout bounds one node's answer to Leader; a node that does not
// answer in time (paused, overloaded) is skipped.
const leaderTimeout = 10 * time.Second

// leaderExpr is an Erlang expression run on a node with rabbitmqctl eval:
// a local read of the queue's record (no call to other nodes, so a paused
// peer does not hang it) giving the node of the queue's leader (quorum,
// stream) or process (classic). %s is the queue name as a binary.
const leaderExpr = `case rabbit_amqqueue:lookup(rabbit_misc:r(<<"/">>, queue, %s)) of
  {ok, Q} -> case amqqueue:get_pid(Q) of
               {_, N} when is_atom(N) -> N;
               P when is_pid(P) -> node(P);
               Other -> {no_leader, Other}
             end;
  _ -> not_found
end.`

// Leader returns the name ("rabbitN") of the node hosting the leader of
// the quorum or stream queue named resource in vhost "/", or the node
// hosting a classic queue, as the cluster's metadata says (it is updated
// by the new leader shortly after an election). It asks the running,
// unpaused nodes in order, each bounded by 10 s, and returns the first
// answer.
func (c *Cluster) Leader(ctx context.Context, resource string) (string, error) {
	select {
	case <-c.closed:
		return "", ErrClosed
	default:
	}
	expr := fmt.Sprintf(leaderExpr, erlBinary(resource))
	var errs []error
	for _, n := range c.nodes {
		n.mu.Lock()
		up := n.script != nil && !n.paused
		n.mu.Unlock()
		if !up {
			continue
		}
		out, err := c.ctl(ctx, leaderTimeout, n.erl, "eval", expr)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		return c.nodeOfAnswer(resource, strings.TrimSpace(out))
	}
	if len(errs) == 0 {
		return "", fmt.Errorf("rabbitmq-local: leader of %q: no node is running", resource)
	}
	return "", fmt.Errorf("rabbitmq-local: leader of %q: %w", resource, errors.Join(errs...))
}

// nodeOfAnswer maps the eval answer (an Erlang node name) to a node name.
func (c *Cluster) nodeOfAnswer(resource, out string) (string, error) {
	if out == "not_found" {
		return "", fmt.Errorf("rabbitmq-local: no queue %q in vhost /", resource)
	}
	erl := strings.Trim(out, "'")
	for _, n := range c.nodes {
		if n.erl == erl {
			return n.name, nil
		}
	}
	return "", fmt.Errorf("rabbitmq-local: leader of queue %q: unexpected answer %q", resource, out)
}

// erlBinary writes s as an Erlang binary literal of byte values, so no
// queue name needs escaping.
func erlBinary(s string) string {
	var b strings.Builder
	b.WriteString("<<")
	for i := range len(s) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(s[i])))
	}
	b.WriteString(">>")
	return b.String()
}
