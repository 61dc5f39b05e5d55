// Package portal is the lab's web portal: the Microsoft Defender and Sentinel pages the lab
// walks through (incident queue and incident page, advanced hunting, Security Copilot,
// settings, Sentinel's analytics and automation rules and Logs blade), server-rendered from Go
// templates with small JavaScript of its own, every asset embedded in the binary.
//
// It is a face over the simulator, never a second copy of its logic: an incident changed here
// goes through simulator/xdr's UpdateIncident (as Graph's PATCH does) and syncs to Sentinel;
// hunting runs simulator/hunting's Run (as runHuntingQuery does); Copilot's page asks
// simulator/copilot's Service.Ask (as `soclab copilot ask`); settings write xdr.WriteSettings
// and copilot.Service.SetPlugin.
//
// Sign-in is the tenant analyst's user name and password (simulator.World.AuthenticateUser) or
// a one-time link (`soclab portal`, POST /_soclab/portal/link); sessions are HttpOnly SameSite
// cookies held in memory; every form carries the session's CSRF token; every page reads only
// the session's tenant, so another tenant's ids answer 404.
package portal
