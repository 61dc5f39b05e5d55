package generate

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/soclab/soclab/scenarios/scenario"
)

// emitKeyVault writes one Key Vault data-plane operation as the AuditEvent row of AzureDiagnostics.
func (g *gen) emitKeyVault(b *batch, f *gofakeit.Faker, at time.Time, a actor, vault, op, secret string, meta RowMeta) {
	res := g.res[vault]
	host := "https://" + vault + ".vault.azure.net"
	uri, id := host+"/?api-version=7.4", ""
	switch op {
	case "SecretGet":
		version := strings.ReplaceAll(nameUUID("secret-version", vault, secret), "-", "")
		uri = host + "/secrets/" + secret + "/?api-version=7.4"
		id = host + "/secrets/" + secret + "/" + version
	case "SecretList":
		uri = host + "/secrets?api-version=7.4"
	case "VaultGet":
		uri = "https://management.azure.com" + res.ID + "?api-version=2023-07-01"
		id = res.ID
	}
	client := "azsdk-net-Security.KeyVault.Secrets/4.6.0 (.NET 8.0.11; Microsoft Windows 10.0.20348)"
	if a.user != nil {
		client = "FxVersion/8.0.1124.51707 OSName/Linux OSVersion/Ubuntu.22.04 Microsoft.Azure.Portal/1.0"
		if a.device.UserAgent != "" {
			client = a.device.UserAgent
		}
	}
	upn := ""
	if a.user != nil {
		upn = a.user.UPN
	}
	amr := ""
	if a.user != nil {
		amr = "pwd,mfa"
	}
	sub := strings.ToUpper(g.p.SubscriptionID)
	r := g.tables[tDiagnostics].newRow().
		set("TenantId", g.p.WorkspaceID).set("TimeGenerated", at).set("ResourceId", strings.ToUpper(res.ID)).
		set("Category", "AuditEvent").set("ResourceGroup", strings.ToUpper(res.Group)).set("SubscriptionId", sub).
		set("ResourceProvider", "MICROSOFT.KEYVAULT").set("Resource", strings.ToUpper(vault)).set("ResourceType", "VAULTS").
		set("OperationName", op).set("OperationVersion", "7.4").set("ResultType", "Success").set("ResultSignature", "OK").
		set("DurationMs", int64(5+f.IntN(60))).set("CallerIPAddress", a.ip).set("CorrelationId", uuidFrom(f)).
		set("Level", "Informational").set("id_s", id).set("requestUri_s", uri).set("clientInfo_s", client).
		set("httpStatusCode_d", 200.0).set("identity_claim_appid_g", a.app.AppID).
		set("identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g", a.objectID()).
		set("identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s", upn).
		set("identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_name_s", upn).
		set("identity_claim_upn_s", upn).set("identity_claim_oid_g", a.objectID()).set("identity_claim_ipaddr_s", a.ip).
		set("identity_claim_http_schemas_microsoft_com_claims_authnmethodsreferences_s", amr).
		set("isAccessPolicyMatch_b", false).set("SourceSystem", "Azure").set("Type", "AzureDiagnostics").
		set("_ResourceId", strings.ToLower(res.ID)).set("_BilledSize", float64(1500+f.IntN(700))).set("_IsBillable", "True")
	switch op {
	case "VaultGet":
		r.set("properties_sku_Family_s", "A").set("properties_sku_Name_s", "standard").
			set("properties_tenantId_g", g.p.TenantID).set("properties_enabledForDeployment_b", false).
			set("properties_enabledForDiskEncryption_b", false).set("properties_enabledForTemplateDeployment_b", false).
			set("properties_enableRbacAuthorization_b", true).set("properties_networkAcls_bypass_s", "AzureServices").
			set("properties_networkAcls_defaultAction_s", "Allow")
	case "SecretGet":
		r.set("secretProperties_attributes_enabled_b", true)
	}
	b.emit(tDiagnostics, r, withSource(meta, SourceKeyVault, at))
}

// blobTarget is what a storage operation touches.
type blobTarget struct {
	account, container, blob string
	size                     int64
}

// emitBlob writes one storage request to StorageBlobLogs.
func (g *gen) emitBlob(b *batch, f *gofakeit.Faker, at time.Time, a actor, t blobTarget, op, auth string, meta RowMeta) {
	res := g.res[t.account]
	path := "/" + t.account
	uri := "https://" + t.account + ".blob.core.windows.net:443/"
	switch op {
	case "ListContainers":
		uri += "?comp=list"
	case "ListBlobs":
		uri += t.container + "?restype=container&comp=list"
		path += "/" + t.container
	default:
		uri += t.container + "/" + t.blob
		path += "/" + t.container + "/" + t.blob
	}
	resp := int64(300 + f.IntN(3000))
	if op == "GetBlob" {
		resp = t.size
	}
	category := "StorageRead"
	if op == "PutBlob" {
		category = "StorageWrite"
	}
	ua := a.device.UserAgent
	if a.user == nil {
		ua = "azsdk-net-Storage.Blobs/12.22.2 (.NET 8.0.11; Microsoft Windows 10.0.20348)"
	} else if auth == "AccountKey" {
		ua = "azsdk-python-storage-blob/12.24.0 Python/3.11.2 (Linux-6.1.0-28-amd64-x86_64-with-glibc2.36)"
	}
	latency := float64(3 + f.IntN(40))
	r := g.tables[tBlob].newRow().
		set("AccountName", t.account).set("AuthenticationType", auth).set("Category", category).
		set("ClientRequestId", uuidFrom(f)).set("ContentLengthHeader", int64(0)).set("CorrelationId", uuidFrom(f)).
		set("DurationMs", latency+float64(f.IntN(15))).set("_IsBillable", "True").set("Location", res.Location).
		set("MetricResponseType", "Success").set("ObjectKey", path).set("OperationCount", int64(1)).
		set("OperationName", op).set("OperationVersion", "2024-11-04").set("Protocol", "HTTPS").
		set("RequestBodySize", int64(0)).set("RequestHeaderSize", int64(480+f.IntN(300))).
		set("_ResourceId", strings.ToLower(res.ID)+"/blobservices/default").set("ResponseBodySize", resp).
		set("ResponseHeaderSize", int64(320+f.IntN(160))).set("SchemaVersion", "1.0").set("ServerLatencyMs", latency).
		set("ServiceType", "blob").set("SourceSystem", "Azure").set("StatusCode", "200").set("StatusText", "Success").
		set("_SubscriptionId", g.p.SubscriptionID).set("TenantId", g.p.WorkspaceID).set("TimeGenerated", at).
		set("TlsVersion", "TLS 1.2").set("Type", "StorageBlobLogs").set("Uri", uri).set("UserAgentHeader", ua).
		set("CallerIpAddress", a.ip+":"+strconv.Itoa(49152+f.IntN(16000))).set("_BilledSize", float64(1400+f.IntN(600)))
	if op == "GetBlob" || op == "GetBlobProperties" || op == "PutBlob" {
		etag := fmt.Sprintf("0x8DD%012X", derive(0, t.account, t.container, t.blob)&0xFFFFFFFFFFFF)
		sum := sha256.Sum256([]byte("content/" + t.account + "/" + t.container + "/" + t.blob))
		r.set("AccessTier", "Hot").set("Etag", etag).set("LastModifiedTime", g.s.Day.AddDate(0, 0, -2).Add(3*time.Hour)).
			set("ResponseMd5", base64.StdEncoding.EncodeToString(sum[:16]))
	}
	switch auth {
	case "AccountKey":
		key := sha256.Sum256([]byte(g.p.SubscriptionID + "/" + t.account + "/key1"))
		r.set("AuthenticationHash", fmt.Sprintf("key1(%X)", key))
	case "OAuth":
		r.set("RequesterAppId", a.app.AppID).set("RequesterAudience", "https://storage.azure.com/").
			set("RequesterObjectId", a.objectID()).set("RequesterTenantId", g.p.TenantID).
			set("RequesterTokenIssuer", "https://sts.windows.net/"+g.p.TenantID+"/").
			set("AuthorizationDetails", []any{map[string]any{
				"action":           "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
				"roleAssignmentId": nameUUID(g.p.TenantID, "ra", a.objectID(), t.account),
				"roleDefinitionId": builtinRoles["Storage Blob Data Reader"],
				"principals":       []any{map[string]any{"id": a.objectID(), "type": principalType(a)}},
				"denyAssignmentId": "",
			}})
		if a.user != nil {
			r.set("RequesterUpn", a.user.UPN)
		}
	}
	b.emit(tBlob, r, withSource(meta, SourceStorage, at))
}

func principalType(a actor) string {
	if a.user != nil {
		return "User"
	}
	return "ServicePrincipal"
}

// blobsOf lists the blobs of a container.
func (g *gen) blobsOf(account, container string) []scenario.Blob {
	for _, c := range g.account[account].Containers {
		if c.Name == container {
			return c.Blobs
		}
	}
	return nil
}
