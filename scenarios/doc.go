// Package scenarios holds the built-in lab scenarios as data, embedded in the binary: one folder
// per scenario (alex-johnson/), six YAML files each. FS and Names give access to them; package
// scenario loads and validates a folder, package generate turns it into telemetry rows, package
// export writes those rows as files.
//
// # Scenario format
//
// A scenario folder holds:
//
//   - scenario.yaml: name (= folder), title, description, attackDay (YYYY-MM-DD, UTC), tenant
//     (domain, displayName, defaultTenantId, defaultSubscriptionId) and places: every network the
//     telemetry uses (offices = trusted corporate named locations, home ISPs, travel, VPN egress,
//     the attacker, Azure datacentres), each with a CIDR, city, state, country, coordinates, time
//     zone, ASN and ISP. Ranges may not overlap, so an IP geolocates to exactly one place.
//   - cast.yaml: departments (weight, titles, groups, office, homes, behaviour profile, Azure
//     roles, device models) from which generated users are drawn; groups; directoryRoles (real
//     template ids); people (the hand-written users: alex.johnson, admins, SOC analysts, the
//     noise makers); apps (first-party client apps with their real app ids and the Defender for
//     Cloud Apps app name/id); servicePrincipals (workloads that read Key Vault and blobs on a
//     schedule); subscriptions; resourceGroups with resources; keyVaults with secret names;
//     storageAccounts with containers and blobs; diagnosticSettings present at the start (scope
//     tenant | subscription | vault | account, destination workspace, categories, and the event
//     sources they route).
//   - background.yaml: workHours, holidays, failureRate and weighted sign-in failure codes,
//     refreshFailureRate and weighted token-refresh failure codes (non-interactive sign-ins),
//     behaviour profiles (per working day: interactive and non-interactive sign-ins, cloud-app
//     events, ARM operations, directory edits, secret reads, blob reads; client apps; weekend
//     share) and noise: benign patterns that look suspicious (travel, vpn, audit, arm-burst).
//   - attack.yaml: the window (start, end), the victim, the attacker's place, user agent and
//     device, and steps. A step has a stable id (soclab attack replay STEP), a title, a MITRE
//     technique and tactic, and events. An event has a kind (signin, spray, keyvault, arm, blob,
//     audit, alert), a time (at), an actor (user), optionally an ip (else one from the actor's place),
//     count/every for repeats, and kind-specific fields (app, result, risk, riskEventTypes,
//     interactive; users/ips/sample for a spray; vault/operation/secrets; operations of
//     {operation, resource | resourceGroup}; account/container/blobs/auth; activity/target/failed;
//     title/service/severity/category/resources for a Defender product's own alert).
//   - faults.yaml: break-and-fix switches: id, lab case number, kind (remove-diagnostic-setting,
//     sync-severity-filter, sync-off, copilot-plugin-disconnected, copilot-role-missing), target or
//     minSeverity, title, description and fix. The simulator applies their effects.
//   - checks.yaml: what `soclab grade` checks (read by package grader, not by the scenario
//     loader): workspace (resourceGroup, name: the lab workspace), tasks (number: title) and
//     checks. A check has id, task, title, points, hint and exactly one of: state (a list of
//     {what, path, exists|equals|includes}: gjson paths over the tenant's snapshot, the first
//     failing one reported with its what), ruleQuery {rule, mentions} (the rule's query run
//     over the generated telemetry as Sentinel would: around the attack some result names one
//     of mentions; over the background alone it returns nothing), ruleFired {rule} (alerts
//     from the rule), kql {query, minRows, maxRows, mentions} (over the lab workspace at the
//     tenant clock) or activity {operation, status, resource} (the action log).
//
// Names of activities, ARM operations, Key Vault and blob operations, error codes and risk levels
// must come from the real vocabularies listed in package scenario's catalogs; the loader rejects
// anything else with file:line, the path inside the file and what is wrong.
package scenarios
