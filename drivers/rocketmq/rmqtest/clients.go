package rmqtest

import (
	"encoding/json"
	"slices"
	"time"
)

// handleHeartbeat (34) registers the client's producer and consumer groups
// on this connection, creates their retry topics and tells the other members of a
// group that changed to rebalance.
func (b *Broker) handleHeartbeat(c *conn, req *command) *command {
	var hb struct {
		ClientID  string `json:"clientID"`
		Consumers []struct {
			GroupName string `json:"groupName"`
		} `json:"consumerDataSet"`
	}
	if err := json.Unmarshal(req.Body, &hb); err != nil {
		return response(req, codeError, "rmqtest: bad heartbeat body: "+err.Error())
	}
	b.registerProducers(c, req.Body)
	var changed []string
	b.mu.Lock()
	for _, cd := range hb.Consumers {
		g := b.groups[cd.GroupName]
		if g == nil {
			g = map[string]*conn{}
			b.groups[cd.GroupName] = g
		}
		if g[hb.ClientID] != c {
			g[hb.ClientID] = c
			changed = append(changed, cd.GroupName)
		}
		b.createTopicLocked("%RETRY%"+cd.GroupName, 1)
	}
	b.mu.Unlock()
	b.notifyGroups(changed, c)
	if len(changed) > 0 {
		b.renotify(changed)
	}
	return response(req, codeSuccess, "")
}

// handleUnregister (35) removes a client from a consumer group.
func (b *Broker) handleUnregister(req *command) *command {
	group, id := req.ExtFields["consumerGroup"], req.ExtFields["clientID"]
	b.mu.Lock()
	_, ok := b.groups[group][id]
	delete(b.groups[group], id)
	b.mu.Unlock()
	if ok {
		b.notifyGroups([]string{group}, nil)
	}
	return response(req, codeSuccess, "")
}

// dropConn forgets every registration made over a closed connection.
func (b *Broker) dropConn(c *conn) {
	b.dropProducerConn(c)
	var changed []string
	b.mu.Lock()
	for group, g := range b.groups {
		for id, gc := range g {
			if gc == c {
				delete(g, id)
				changed = append(changed, group)
			}
		}
	}
	b.mu.Unlock()
	b.notifyGroups(changed, nil)
}

// notifyGroups sends NotifyConsumerIdsChanged (40) to every member of the
// groups except the one on conn skip, as a real broker does, so they
// rebalance at once. (The joining client itself is not notified: it
// rebalances on start, and client v2.1.2 races on a notification that
// arrives while it starts.)
func (b *Broker) notifyGroups(groups []string, skip *conn) {
	if b.srv == nil || b.srv.isClosed() {
		return
	}
	for _, group := range groups {
		b.mu.Lock()
		var conns []*conn
		for _, c := range b.groups[group] {
			if c != skip {
				conns = append(conns, c)
			}
		}
		b.opaque++
		op := b.opaque
		b.mu.Unlock()
		for _, c := range conns {
			c.write(&command{Code: 40, Language: "JAVA", Opaque: op, ExtFields: map[string]string{"consumerGroup": group}})
		}
	}
}

// renotify notifies the groups once more after Config.RenotifyAfter: a
// client v2.1.2 consumer that was notified while its own first rebalance
// was still running can apply that stale rebalance last and keep queues a
// newer member took; a second notification makes it rebalance again. A
// real broker notifies once.
func (b *Broker) renotify(groups []string) {
	if b.cfg.RenotifyAfter < 0 {
		return
	}
	b.goBackground(func(stop <-chan struct{}) {
		t := time.NewTimer(b.cfg.RenotifyAfter)
		defer t.Stop()
		select {
		case <-t.C:
			b.notifyGroups(groups, nil)
		case <-stop:
		}
	})
}

// handleConsumerList (38) returns the group's client ids.
func (b *Broker) handleConsumerList(req *command) *command {
	b.mu.Lock()
	ids := []string{}
	for id := range b.groups[req.ExtFields["consumerGroup"]] {
		ids = append(ids, id)
	}
	b.mu.Unlock()
	slices.Sort(ids)
	resp := response(req, codeSuccess, "")
	resp.Body, _ = json.Marshal(map[string][]string{"consumerIdList": ids})
	return resp
}

// handleLock (41) grants every requested queue lock (the test broker does
// not arbitrate between clients).
func (b *Broker) handleLock(req *command) *command {
	var body struct {
		MQs json.RawMessage `json:"mqSet"`
	}
	if err := json.Unmarshal(req.Body, &body); err != nil {
		return response(req, codeError, "rmqtest: bad lock body: "+err.Error())
	}
	if body.MQs == nil {
		body.MQs = json.RawMessage("[]")
	}
	resp := response(req, codeSuccess, "")
	resp.Body, _ = json.Marshal(map[string]json.RawMessage{"lockOKMQSet": body.MQs})
	return resp
}
