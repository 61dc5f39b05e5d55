package identity

import (
	"net/http"
	"sort"
	"strings"

	"github.com/soclab/soclab/mockapis/graph"
	dir "github.com/soclab/soclab/simulator/identity"
)

func (a *api) groupRoutes(add adder) {
	add(http.MethodGet, "/groups", a.listGroups)
	add(http.MethodGet, "/groups/{id}", a.getGroup)
	add(http.MethodGet, "/groups/{id}/members", a.groupMembers)
	add(http.MethodGet, "/groups/{id}/transitiveMembers", a.groupMembers)
}

func (a *api) listGroups(r *graph.Request) (graph.Response, error) {
	var items []map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		gs := append([]*dir.Group(nil), d.Groups...)
		sort.Slice(gs, func(i, j int) bool { return gs[i].ID < gs[j].ID })
		for _, g := range gs {
			items = append(items, g.Graph())
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	return collection(r, "groups", items, nil)
}

func (a *api) getGroup(r *graph.Request) (graph.Response, error) {
	id := r.Vars["id"]
	var obj map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		if g := d.Group(id); g != nil {
			obj = g.Graph()
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, notFound(id)
	}
	return entity(r, "groups", obj, nil)
}

// userMembers are the users of ids as directoryObjects (#microsoft.graph.user, default set).
func userMembers(d *dir.Directory, ids []string) []map[string]any {
	var out []map[string]any
	for _, id := range ids {
		if u := d.UserByKey(id); u != nil {
			m := map[string]any{"@odata.type": "#microsoft.graph.user"}
			full := u.Graph()
			for _, k := range dir.UserDefaultProperties {
				m[k] = full[k]
			}
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(string) < out[j]["id"].(string) })
	return out
}

func (a *api) groupMembers(r *graph.Request) (graph.Response, error) {
	id := r.Vars["id"]
	var items []map[string]any
	found := false
	if err := a.read(r, func(d *dir.Directory) error {
		if g := d.Group(id); g != nil {
			found = true
			items = userMembers(d, g.Members)
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	if !found {
		return graph.Response{}, notFound(id)
	}
	return collection(r, "directoryObjects", items, nil)
}

func (a *api) roleRoutes(add adder) {
	add(http.MethodGet, "/directoryRoles", a.listRoles)
	add(http.MethodGet, "/directoryRoles/{id}", a.getRole)
	add(http.MethodGet, "/directoryRoles/{id}/members", a.roleMembers)
	add(http.MethodPost, "/directoryRoles/{id}/members/$ref", a.addRoleMember)
	add(http.MethodDelete, "/directoryRoles/{id}/members/{member}/$ref", a.removeRoleMember)
	add(http.MethodGet, "/roleManagement/directory/roleDefinitions", a.listDefinitions)
	add(http.MethodGet, "/roleManagement/directory/roleDefinitions/{id}", a.getDefinition)
	add(http.MethodGet, "/roleManagement/directory/roleAssignments", a.listAssignments)
	add(http.MethodPost, "/roleManagement/directory/roleAssignments", a.createAssignment)
	add(http.MethodGet, "/roleManagement/directory/roleAssignments/{id}", a.getAssignment)
	add(http.MethodDelete, "/roleManagement/directory/roleAssignments/{id}", a.deleteAssignment)
}

// roleKey reads a directoryRoles key: the object id or roleTemplateId='...'.
func roleKey(id string) string {
	if v, ok := strings.CutPrefix(id, "roleTemplateId="); ok {
		return strings.Trim(v, "'")
	}
	return id
}

func (a *api) listRoles(r *graph.Request) (graph.Response, error) {
	var items []map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		for _, ro := range d.Roles {
			items = append(items, ro.Graph())
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	return collection(r, "directoryRoles", items, nil)
}

func (a *api) getRole(r *graph.Request) (graph.Response, error) {
	id := roleKey(r.Vars["id"])
	var obj map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		if ro := d.Role(id); ro != nil {
			obj = ro.Graph()
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, notFound(id)
	}
	return entity(r, "directoryRoles", obj, nil)
}

func (a *api) roleMembers(r *graph.Request) (graph.Response, error) {
	id := roleKey(r.Vars["id"])
	var items []map[string]any
	found := false
	if err := a.read(r, func(d *dir.Directory) error {
		if ro := d.Role(id); ro != nil {
			found = true
			items = userMembers(d, d.RoleMembers(ro.TemplateID))
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	if !found {
		return graph.Response{}, notFound(id)
	}
	return collection(r, "directoryObjects", items, nil)
}

// addRoleMember takes {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}.
func (a *api) addRoleMember(r *graph.Request) (graph.Response, error) {
	body, err := readBody(r)
	if err != nil {
		return graph.Response{}, err
	}
	ref, _ := body["@odata.id"].(string)
	i := strings.LastIndex(ref, "/")
	if ref == "" || i < 0 || !strings.Contains(strings.ToLower(ref), "/directoryobjects/") && !strings.Contains(strings.ToLower(ref), "/users/") {
		return graph.Response{}, graph.Errorf(http.StatusBadRequest, "Request_BadRequest", "Invalid object identifier '%s'.", ref)
	}
	member := ref[i+1:]
	id := roleKey(r.Vars["id"])
	err = a.write(r, func(w *dir.Writer) error {
		ro := w.Dir.Role(id)
		if ro == nil {
			return graph.Errorf(http.StatusNotFound, "Request_ResourceNotFound", "Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)
		}
		if w.Dir.UserByKey(member) != nil && contains(w.Dir.RoleMembers(ro.TemplateID), w.Dir.UserByKey(member).ID) {
			return graph.Errorf(http.StatusBadRequest, "Request_BadRequest", "One or more added object references already exist for the following modified properties: 'members'.")
		}
		_, err := w.AssignRole(member, ro.TemplateID, "/")
		return err
	})
	if err != nil {
		return graph.Response{}, err
	}
	return noContent()
}

func (a *api) removeRoleMember(r *graph.Request) (graph.Response, error) {
	id, member := roleKey(r.Vars["id"]), r.Vars["member"]
	err := a.write(r, func(w *dir.Writer) error {
		ro := w.Dir.Role(id)
		if ro == nil {
			return notFound(id)
		}
		u := w.Dir.UserByKey(member)
		if u == nil || !contains(w.Dir.RoleMembers(ro.TemplateID), u.ID) {
			return notFound(member)
		}
		return w.Unassign(dir.AssignmentID(ro.TemplateID, u.ID))
	})
	if err != nil {
		return graph.Response{}, err
	}
	return noContent()
}

func (a *api) listDefinitions(r *graph.Request) (graph.Response, error) {
	var items []map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		for _, ro := range d.Roles {
			items = append(items, ro.RoleDefinitionGraph())
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	return collection(r, "roleManagement/directory/roleDefinitions", items, nil)
}

func (a *api) getDefinition(r *graph.Request) (graph.Response, error) {
	id := r.Vars["id"]
	var obj map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		for _, ro := range d.Roles {
			if strings.EqualFold(ro.TemplateID, id) {
				obj = ro.RoleDefinitionGraph()
			}
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, notFound(id)
	}
	return entity(r, "roleManagement/directory/roleDefinitions", obj, nil)
}

// assignmentObject is an assignment with $expand=principal / roleDefinition applied.
func assignmentObject(d *dir.Directory, asg *dir.RoleAssignment, expand []string) map[string]any {
	m := asg.Graph()
	for _, e := range expand {
		switch e {
		case "principal":
			if u := d.UserByKey(asg.PrincipalID); u != nil {
				p := typed(u.Graph(), "#microsoft.graph.user")
				m["principal"] = p
			}
		case "roleDefinition":
			for _, ro := range d.Roles {
				if strings.EqualFold(ro.TemplateID, asg.RoleDefinitionID) {
					m["roleDefinition"] = ro.RoleDefinitionGraph()
				}
			}
		}
	}
	return m
}

func checkExpand(r *graph.Request) ([]string, error) {
	q, err := parseQuery(r)
	if err != nil {
		return nil, err
	}
	for _, e := range q.Expand {
		if e != "principal" && e != "roleDefinition" {
			return nil, graph.Errorf(http.StatusBadRequest, "BadRequest", "Could not find a property named '%s' on type 'microsoft.graph.unifiedRoleAssignment'.", e)
		}
	}
	return q.Expand, nil
}

func (a *api) listAssignments(r *graph.Request) (graph.Response, error) {
	expand, err := checkExpand(r)
	if err != nil {
		return graph.Response{}, err
	}
	var items []map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		for _, asg := range d.Assignments {
			items = append(items, assignmentObject(d, asg, expand))
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i]["id"].(string) < items[j]["id"].(string) })
	return collection(r, "roleManagement/directory/roleAssignments", items, nil)
}

func (a *api) getAssignment(r *graph.Request) (graph.Response, error) {
	expand, err := checkExpand(r)
	if err != nil {
		return graph.Response{}, err
	}
	id := r.Vars["id"]
	var obj map[string]any
	if err := a.read(r, func(d *dir.Directory) error {
		if asg := d.Assignment(id); asg != nil {
			obj = assignmentObject(d, asg, expand)
		}
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	if obj == nil {
		return graph.Response{}, notFound(id)
	}
	return entity(r, "roleManagement/directory/roleAssignments", obj, nil)
}

func (a *api) createAssignment(r *graph.Request) (graph.Response, error) {
	body, err := readBody(r)
	if err != nil {
		return graph.Response{}, err
	}
	for k := range body {
		switch k {
		case "@odata.type", "principalId", "roleDefinitionId", "directoryScopeId", "appScopeId":
		default:
			return graph.Response{}, graph.Errorf(http.StatusBadRequest, "BadRequest", "The property '%s' does not exist on type 'microsoft.graph.unifiedRoleAssignment'. Make sure to only use property names that are defined by the type.", k)
		}
	}
	if t, ok := body["@odata.type"]; ok && t != "#microsoft.graph.unifiedRoleAssignment" {
		return graph.Response{}, graph.Errorf(http.StatusBadRequest, "BadRequest", "A type named '%v' could not be resolved by the model.", t)
	}
	principal, _ := body["principalId"].(string)
	def, _ := body["roleDefinitionId"].(string)
	scope, _ := body["directoryScopeId"].(string)
	if principal == "" || def == "" {
		return graph.Response{}, graph.Errorf(http.StatusBadRequest, "Request_BadRequest", "principalId and roleDefinitionId are required.")
	}
	if scope == "" {
		scope = "/"
	}
	var obj map[string]any
	if err := a.write(r, func(w *dir.Writer) error {
		asg, err := w.AssignRole(principal, def, scope)
		if err != nil {
			return err
		}
		obj = asg.Graph()
		return nil
	}); err != nil {
		return graph.Response{}, err
	}
	obj["@odata.context"] = contextURL(r, "roleManagement/directory/roleAssignments/$entity")
	return graph.Response{Status: http.StatusCreated, Body: obj}, nil
}

func (a *api) deleteAssignment(r *graph.Request) (graph.Response, error) {
	id := r.Vars["id"]
	if err := a.write(r, func(w *dir.Writer) error { return w.Unassign(id) }); err != nil {
		return graph.Response{}, err
	}
	return noContent()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
