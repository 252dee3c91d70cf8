// The customer search's filters as conditions of a query, written once for GET /api/customers
// (crm.search.ts listCustomers) and the customers' Excel export (crm.bulk.ts pageCustomers,
// which adds its keyset). Name and company are "contains", phoneDigits is any part of a stored
// number, the rest exact (phone, email and tag as the schemas normalize them). Values are bound
// parameters, never put in the SQL. "Not merged, not deleted" is the callers' own condition.
import type { SelectQueryBuilder } from 'typeorm';
import type { Customer } from './crm.entities.js';
import { normalizePhone } from './phone.js';

export interface CustomerFilters {
  /** Name contains (any language). */
  name?: string;
  /** A stored phone number, exactly (normalized: crm.schemas.ts phone). */
  phone?: string;
  /** Digits (optionally after +) that a stored phone number contains, or that normalize to one (8613800138000). */
  phoneDigits?: string;
  /** A stored email address, exactly (lower-cased: crm.schemas.ts email). */
  email?: string;
  /** A tag, exactly (normalized: crm.schemas.ts tag). */
  tag?: string;
  /** The company text contains it, or the customer is a contact of a company whose name contains it. */
  company?: string;
  /** A contact of this company. */
  companyId?: string;
  /** The region, exactly. */
  region?: string;
}

/** LIKE "contains", its wildcards (and the escape character) taken literally: ESCAPE '!'. */
export const contains = (s: string) => `%${s.replace(/[!%_]/g, '!$&')}%`;

/**
 * Adds the filters that are set to `qb` (AND, on its main alias). The parameters are named
 * cfName, cfPhone, cfDigits, cfDigitsPhone, cfEmail, cfTag, cfCompany, cfCompanyId and
 * cfRegion, the subqueries' tables cf_* : the query's own conditions use other names.
 */
export function whereCustomersMatch<Q extends SelectQueryBuilder<Customer>>(qb: Q, f: CustomerFilters): Q {
  const c = qb.alias;
  if (f.name) qb.andWhere(`${c}.name LIKE :cfName ESCAPE '!'`, { cfName: contains(f.name) });
  // The phone, email and tag filters go through their tables' keys.
  if (f.phone) qb.andWhere(`${c}.id IN (SELECT cf_p.customer_id FROM customer_phones cf_p WHERE cf_p.phone = :cfPhone)`, { cfPhone: f.phone });
  if (f.phoneDigits) {
    // Part of a stored number (尾号: its last digits), or a whole number written another way.
    const whole = normalizePhone(f.phoneDigits);
    const exact = whole && whole !== f.phoneDigits ? ' OR cf_d.phone = :cfDigitsPhone' : '';
    qb.andWhere(`${c}.id IN (SELECT cf_d.customer_id FROM customer_phones cf_d WHERE cf_d.phone LIKE :cfDigits ESCAPE '!'${exact})`, {
      cfDigits: contains(f.phoneDigits),
      ...(exact ? { cfDigitsPhone: whole } : {}),
    });
  }
  if (f.email) qb.andWhere(`${c}.id IN (SELECT cf_e.customer_id FROM customer_emails cf_e WHERE cf_e.email = :cfEmail)`, { cfEmail: f.email });
  if (f.tag) qb.andWhere(`${c}.id IN (SELECT cf_t.customer_id FROM customer_tags cf_t WHERE cf_t.tag = :cfTag)`, { cfTag: f.tag });
  if (f.company) {
    qb.andWhere(
      `(${c}.company LIKE :cfCompany ESCAPE '!' OR ${c}.id IN (SELECT cf_cc.customer_id FROM company_contacts cf_cc JOIN companies cf_co ON cf_co.id = cf_cc.company_id WHERE cf_co.name LIKE :cfCompany ESCAPE '!'))`,
      { cfCompany: contains(f.company) },
    );
  }
  if (f.companyId) qb.andWhere(`${c}.id IN (SELECT cf_cc2.customer_id FROM company_contacts cf_cc2 WHERE cf_cc2.company_id = :cfCompanyId)`, { cfCompanyId: f.companyId });
  if (f.region) qb.andWhere(`${c}.region = :cfRegion`, { cfRegion: f.region });
  return qb;
}
