package portal

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/xdr"
)

type sentinelSettingsData struct {
	Settings   xdr.Settings
	Workspace  string
	Severities []severityChoice
}

type severityChoice struct {
	Name    string
	Checked bool
}

func (p *Portal) sentinelSettings(s *session) (sentinelSettingsData, error) {
	var d sentinelSettingsData
	err := p.cfg.World.View(s.TenantID, func(tx *simulator.TenantTx) error {
		var err error
		if d.Settings, err = xdr.ReadSettings(tx); err != nil {
			return err
		}
		d.Workspace, err = xdr.ConnectedWorkspace(tx)
		return err
	})
	for _, sev := range xdr.DefaultSettings().Severities {
		d.Severities = append(d.Severities, severityChoice{Name: sev, Checked: d.Settings.Passes(sev)})
	}
	return d, err
}

// sentinelSettingsPage is Settings → Microsoft Sentinel: the connected workspace, the sync and
// the alert severities that reach Defender XDR (break and fix 1 is fixed here).
func (p *Portal) sentinelSettingsPage(w http.ResponseWriter, r *http.Request, s *session) {
	d, err := p.sentinelSettings(s)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	p.render(w, r, s, http.StatusOK, "settings_sentinel", pageData{Title: "Microsoft Sentinel settings", Nav: "settings", Data: d})
}

// sentinelSettingsSave writes the settings as `soclab xdr settings set` does (xdr.ValidateSettings,
// xdr.WriteSettings in one transaction).
func (p *Portal) sentinelSettingsSave(w http.ResponseWriter, r *http.Request, s *session) {
	f := r.PostForm
	sync := f.Get("sync")
	if sync != "on" && sync != "off" {
		p.badSettings(w, r, s, "Choose whether incidents and alerts are synced (on or off).")
		return
	}
	err := p.cfg.World.Update(s.TenantID, func(tx *simulator.TenantTx) error {
		st, err := xdr.ReadSettings(tx)
		if err != nil {
			return err
		}
		st.SyncEnabled = sync == "on"
		st.Severities = append([]string{}, f["severity"]...)
		if ie := xdr.ValidateSettings(&st); ie != nil {
			return ie
		}
		return xdr.WriteSettings(tx, st)
	})
	var ie *xdr.InvalidError
	switch {
	case errors.As(err, &ie):
		p.badSettings(w, r, s, ie.Message)
	case err != nil:
		p.fail(w, r, s, err)
	default:
		p.enqueue(s.TenantID)
		done(w, r, "/securitysettings/sentinel", "Settings saved.")
	}
}

func (p *Portal) badSettings(w http.ResponseWriter, r *http.Request, s *session, msg string) {
	d, err := p.sentinelSettings(s)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	p.render(w, r, s, http.StatusBadRequest, "settings_sentinel", pageData{Title: "Microsoft Sentinel settings", Nav: "settings", Flash: msg, Bad: true, Data: d})
}

// copilotSettingsPage lists Security Copilot's plugins (break and fix 2's plugin is connected here).
func (p *Portal) copilotSettingsPage(w http.ResponseWriter, r *http.Request, s *session) {
	list, err := p.cfg.Copilot.Plugins(s.TenantID)
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	p.render(w, r, s, http.StatusOK, "settings_copilot", pageData{Title: "Security Copilot plugins", Nav: "settings", Data: list})
}

// copilotSettingsSave connects or disconnects a plugin (copilot.Service.SetPlugin, as
// `soclab copilot plugins connect` does).
func (p *Portal) copilotSettingsSave(w http.ResponseWriter, r *http.Request, s *session) {
	plugin, state := r.PostForm.Get("plugin"), r.PostForm.Get("connected")
	if state != "true" && state != "false" {
		http.Error(w, "connected must be true or false", http.StatusBadRequest)
		return
	}
	_, err := p.cfg.Copilot.SetPlugin(s.TenantID, plugin, state == "true")
	if errors.Is(err, copilot.ErrUnknownPlugin) {
		p.notFound(w, r, s)
		return
	}
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	verb := "disconnected"
	if state == "true" {
		verb = "connected"
	}
	done(w, r, "/securitysettings/copilot", "Plugin "+verb+".")
}

// roleRow is one directory role with its members.
type roleRow struct {
	Role    string
	Members []string
}

// rolesPage is Permissions & roles: who holds which Entra ID directory role now.
func (p *Portal) rolesPage(w http.ResponseWriter, r *http.Request, s *session) {
	var rows []roleRow
	err := p.cfg.Identity.Read(s.TenantID, func(d *identity.Directory) error {
		for _, role := range d.Roles {
			row := roleRow{Role: role.DisplayName}
			for _, id := range d.RoleMembers(role.TemplateID) {
				if u := d.UserByKey(id); u != nil {
					row.Members = append(row.Members, u.UserPrincipalName)
				} else {
					row.Members = append(row.Members, id)
				}
			}
			sort.Strings(row.Members)
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		p.fail(w, r, s, err)
		return
	}
	sort.Slice(rows, func(i, j int) bool { return strings.ToLower(rows[i].Role) < strings.ToLower(rows[j].Role) })
	p.render(w, r, s, http.StatusOK, "roles", pageData{Title: "Permissions and roles", Nav: "settings", Data: rows})
}
