// The companies on this device and the one the user is working in.
import type { Company, CompanyInput } from "./bindings";
import { listCompanies, updateCompany } from "./ipc";

const STORAGE_KEY = "stockflow.companyId";

function remembered(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function remember(id: string | null) {
  try {
    if (id) localStorage.setItem(STORAGE_KEY, id);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable; the app still works, it just forgets the choice.
  }
}

class Session {
  companies = $state<Company[]>([]);
  companyId = $state<string | null>(null);
  status = $state<"loading" | "ready" | "failed">("loading");
  loadError = $state<unknown>(null);
  company = $derived(this.companies.find((c) => c.id === this.companyId) ?? null);

  async load() {
    this.status = "loading";
    this.loadError = null;
    try {
      const companies = await listCompanies();
      this.companies = companies;
      const wanted = remembered();
      const pick = companies.find((c) => c.id === wanted) ?? companies[0] ?? null;
      this.companyId = pick?.id ?? null;
      remember(this.companyId);
      this.status = "ready";
    } catch (err) {
      this.loadError = err;
      this.status = "failed";
    }
  }

  select(id: string) {
    if (!this.companies.some((c) => c.id === id)) return;
    this.companyId = id;
    remember(id);
  }

  /** Changes some of a company's settings; the others are sent as they are. */
  async update(company: Company, patch: Partial<CompanyInput>): Promise<Company> {
    const input: CompanyInput = {
      name: company.name,
      default_threshold: company.default_threshold,
      allow_backorders: company.allow_backorders,
      ...patch,
    };
    const updated = await updateCompany(company.id, input);
    this.upsert(updated);
    return updated;
  }

  /** After create or update: keep the list sorted by name and in step with the backend. */
  upsert(company: Company) {
    const rest = this.companies.filter((c) => c.id !== company.id);
    this.companies = [...rest, company].sort((a, b) =>
      a.name.localeCompare(b.name, undefined, { sensitivity: "base" }),
    );
  }
}

export const session = new Session();
