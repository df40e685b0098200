// A small third-party frontend client typed by the generated schema (checked with
// `tsc --strict`): if a path, a parameter or a field it uses changes shape, this fails.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema";

type Customer = components["schemas"]["Customer"];
type Referral = components["schemas"]["Referral"];
type FlywheelKpi = components["schemas"]["FlywheelKpi"];

export function flywheel(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

export async function atRiskCustomers(api: ReturnType<typeof flywheel>, tenant: string) {
  const { data, error } = await api.GET("/api/v1/tenants/{tenant}/customers/", {
    params: { path: { tenant }, query: { health_band: ["red"], limit: 200 } },
  });
  if (error) throw new Error(`${error.status} ${error.detail}`);
  const customers: Customer[] = data.results;
  return customers.map((c) => ({
    id: c.id,
    email: c.email,
    score: c.health_score === null ? null : Number(c.health_score),
    alerts: c.health_alerts,
    attributes: c.attributes,
  }));
}

export async function recordLogin(
  api: ReturnType<typeof flywheel>,
  tenant: string,
  externalId: string,
) {
  const { data, error } = await api.POST("/api/v1/tenants/{tenant}/events/bulk/", {
    params: { path: { tenant }, header: { "Idempotency-Key": `login-${externalId}` } },
    body: {
      events: [{ customer_external_id: externalId, kind: "login" }],
      create_missing_customers: false,
    },
  });
  if (error) throw new Error(error.detail);
  return data.created + data.duplicate;
}

export function rejectionText(referral: Referral): string {
  return referral.rejection_reason === null ? "not rejected" : referral.rejection_reason;
}

export async function badKpis(api: ReturnType<typeof flywheel>, tenant: string) {
  const { data } = await api.GET("/api/v1/tenants/{tenant}/kpis/flywheel/", {
    params: { path: { tenant }, query: { granularity: "month", closed: true } },
  });
  if (!data) return [];
  const all: FlywheelKpi[] = [...data.attract, ...data.engage, ...data.delight, ...data.overall];
  return all.filter((kpi) => kpi.assessment === "bad").map((kpi) => `${kpi.name} (${kpi.unit})`);
}

export async function newApiKey(api: ReturnType<typeof flywheel>, tenant: string) {
  const { data, error } = await api.POST("/api/v1/tenants/{tenant}/api-keys/", {
    params: { path: { tenant } },
    body: { name: "partner", scopes: ["customers:read", "events:write"] },
  });
  if (error) throw new Error(error.detail);
  // null on an idempotent replay: the secret is never stored
  return data.key ?? undefined;
}
