package copilot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/identity"
)

// Plugin is a Security Copilot plugin of the tenant and whether it is connected.
type Plugin struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Connected bool   `json:"connected"`
}

// The plugins the lab's answers depend on.
const (
	PluginDefender = "defender"
	PluginSentinel = "sentinel"
)

// ErrUnknownPlugin is a plugin id the lab does not have.
var ErrUnknownPlugin = errors.New("copilot: unknown plugin")

// knownPlugins are the lab's plugins with the fault that disconnects each ("" none).
var knownPlugins = []struct{ id, name, fault string }{
	{PluginDefender, "Microsoft Defender XDR", "copilot-defender-plugin-disconnected"},
	{PluginSentinel, "Microsoft Sentinel", ""},
}

// pluginState is stored under "plugins": the disconnected plugins, and per fault whether its
// effect was applied (a fault disconnects its plugin when turned on and reconnects it when
// turned off; the learner's own connect in between is the fix and stays), and the role
// assignments the role fault removed.
type pluginState struct {
	Disconnected map[string]bool `json:"disconnected"`
	Applied      map[string]bool `json:"applied"`
	Removed      []removedRole   `json:"removed,omitempty"`
}

const pluginsKey = "plugins"

func readPlugins(tx *simulator.TenantTx) (pluginState, error) {
	st := pluginState{Disconnected: map[string]bool{}, Applied: map[string]bool{}}
	_, err := tx.GetJSON(coll, pluginsKey, &st)
	if st.Disconnected == nil {
		st.Disconnected = map[string]bool{}
	}
	if st.Applied == nil {
		st.Applied = map[string]bool{}
	}
	return st, err
}

func (st pluginState) list() []Plugin {
	out := make([]Plugin, len(knownPlugins))
	for i, p := range knownPlugins {
		out[i] = Plugin{ID: p.id, Name: p.name, Connected: !st.Disconnected[p.id]}
	}
	return out
}

// Plugins lists the tenant's plugins, first applying a fault toggled since the last read.
func (s *Service) Plugins(tenantID string) ([]Plugin, error) {
	return s.updatePlugins(tenantID, nil)
}

// SetPlugin connects or disconnects a plugin (by id or name).
func (s *Service) SetPlugin(tenantID, plugin string, connected bool) ([]Plugin, error) {
	id := ""
	for _, p := range knownPlugins {
		if strings.EqualFold(plugin, p.id) || strings.EqualFold(plugin, p.name) {
			id = p.id
		}
	}
	if id == "" {
		return nil, fmt.Errorf("%w %q (the lab has %s and %s)", ErrUnknownPlugin, plugin, PluginDefender, PluginSentinel)
	}
	return s.updatePlugins(tenantID, func(st *pluginState) { st.Disconnected[id] = !connected })
}

func (s *Service) updatePlugins(tenantID string, change func(*pluginState)) ([]Plugin, error) {
	faults, err := s.logs.Faults(tenantID)
	if err != nil {
		return nil, fmt.Errorf("copilot: faults: %w", err)
	}
	on := map[string]bool{}
	for _, f := range faults {
		on[f.ID] = f.On
	}
	roleFaults := s.roleFaults()
	pendingRole := func(st pluginState) bool {
		for _, id := range roleFaults {
			if st.Applied[id] != on[id] {
				return true
			}
		}
		return false
	}
	var out []Plugin
	roleChange := false
	if change == nil { // a read: write only when a fault's effect is pending
		pending := false
		err := s.World().View(tenantID, func(tx *simulator.TenantTx) error {
			st, err := readPlugins(tx)
			for _, p := range knownPlugins {
				pending = pending || p.fault != "" && st.Applied[p.fault] != on[p.fault]
			}
			roleChange = pendingRole(st)
			out = st.list()
			return err
		})
		if err != nil || !pending && !roleChange {
			return out, err
		}
	}
	var by identity.Caller
	if roleChange || change != nil && len(roleFaults) > 0 {
		t, err := s.World().TenantByID(tenantID)
		if err != nil {
			return nil, err
		}
		if by, err = s.cleanupCaller(t); err != nil {
			return nil, fmt.Errorf("copilot: role fault: %w", err)
		}
	}
	err = s.World().Update(tenantID, func(tx *simulator.TenantTx) error {
		st, err := readPlugins(tx)
		if err != nil {
			return err
		}
		dirty := change != nil
		for _, p := range knownPlugins {
			if p.fault != "" && st.Applied[p.fault] != on[p.fault] {
				st.Applied[p.fault] = on[p.fault]
				st.Disconnected[p.id] = on[p.fault]
				dirty = true
			}
		}
		for _, id := range roleFaults {
			if st.Applied[id] == on[id] {
				continue
			}
			if by == (identity.Caller{}) {
				continue // seen pending only now: the next read applies it
			}
			if err := s.applyRoleFault(tx, &st, on[id], by); err != nil {
				return fmt.Errorf("copilot: fault %s: %w", id, err)
			}
			st.Applied[id] = on[id]
			dirty = true
		}
		if change != nil {
			change(&st)
		}
		out = st.list()
		if !dirty {
			return nil
		}
		return tx.PutJSON(coll, pluginsKey, st)
	})
	return out, err
}

// connected reports whether a plugin is connected.
func connected(list []Plugin, id string) bool {
	for _, p := range list {
		if p.ID == id {
			return p.Connected
		}
	}
	return false
}
