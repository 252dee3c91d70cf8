// Routes of the outbound campaigns for supervisors and admins (docs/api/campaigns.md). Thin:
// parse with zod, call the service, audit, map the result. The agents' routes: campaign.desk.http.ts.
import type { Request } from 'express';
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import type { Audit } from '../auth/audit.js';
import { input } from '../http/validate.js';
import { XLSX_TYPE } from '../io/io.errors.js';
import { discardRest } from '../io/upload.js';
import type { Logger } from '../logger.js';
import { writeContactsXlsx } from './campaign.export.js';
import { readContactsUpload } from './campaign.import.js';
import { campaignReport } from './campaign.report.js';
import {
  campaignCreateBody, campaignParams, campaignStatusBody, campaignUpdateBody, contactImportQuery, contactListQuery, contactParams, contactsAddBody, contactsFromCustomersBody, exportQuery,
} from './campaign.schemas.js';
import type { CampaignService, CampaignView } from './campaign.service.js';
import { CampaignFinishedError } from './campaign.errors.js';

const READ = { allow: ['admin', 'supervisor', 'readonly'] } as const;
const MANAGE = { allow: ['admin', 'supervisor'] } as const;
const IMPORT = { contentTypes: ['multipart/form-data', XLSX_TYPE, 'text/csv'], description: 'a multipart form with the list as its `file` part, or the .xlsx or .csv file itself' };

export function campaignRoutes(r: SecureRouter, campaigns: CampaignService, audit: Audit, log: Logger): void {
  const note = (req: Request, action: string, c: Pick<CampaignView, 'name'>, detail: Record<string, unknown> = {}) =>
    audit({ actor: principalOf(req).name, actorIp: req.ip ?? null, action, target: `campaign:${c.name}`, detail: { name: c.name, ...detail } });

  r.get('/campaigns', READ, async (_req, res) => {
    res.json({ items: await campaigns.list() });
  });
  r.get('/campaigns/:name', { ...READ, params: campaignParams }, async (req, res) => {
    res.json(await campaigns.get(input(req, 'path', campaignParams).name));
  });
  r.post('/campaigns', { ...MANAGE, body: campaignCreateBody }, async (req, res) => {
    const c = await campaigns.create(input(req, 'body', campaignCreateBody), principalOf(req).name);
    await note(req, 'campaign.create', c, { queue: c.queue });
    res.status(201).json(c);
  });
  r.put('/campaigns/:name', { ...MANAGE, params: campaignParams, body: campaignUpdateBody }, async (req, res) => {
    const c = await campaigns.update(input(req, 'path', campaignParams).name, input(req, 'body', campaignUpdateBody));
    await note(req, 'campaign.update', c, { queue: c.queue });
    res.json(c);
  });
  r.delete('/campaigns/:name', { allow: ['admin'], params: campaignParams }, async (req, res) => {
    const c = await campaigns.remove(input(req, 'path', campaignParams).name);
    await note(req, 'campaign.delete', c, { contacts: c.counts.total });
    res.status(204).end();
  });
  r.post('/campaigns/:name/status', { ...MANAGE, params: campaignParams, body: campaignStatusBody }, async (req, res) => {
    const { name } = input(req, 'path', campaignParams);
    const { status } = input(req, 'body', campaignStatusBody);
    const c = await campaigns.setStatus(name, status);
    await note(req, 'campaign.status', c, { status });
    res.json(c);
  });
  r.post('/campaigns/:name/contacts', { ...MANAGE, params: campaignParams, body: contactsAddBody }, async (req, res) => {
    const { name } = input(req, 'path', campaignParams);
    const out = await campaigns.addContacts(name, input(req, 'body', contactsAddBody).contacts);
    await note(req, 'campaign.contacts', { name }, { added: out.added, via: 'list' });
    res.json(out);
  });
  r.post('/campaigns/:name/contacts/import', { ...MANAGE, params: campaignParams, query: contactImportQuery, upload: IMPORT }, async (req, res) => {
    const { name } = input(req, 'path', campaignParams);
    const { dryRun } = input(req, 'query', contactImportQuery);
    // No such campaign: the body is read and dropped, so the client reads the 404 instead of a reset.
    await campaigns.row(name).catch((err: unknown) => {
      discardRest(req);
      throw err;
    });
    const rows = await readContactsUpload(req, log);
    const out = await campaigns.addContacts(name, rows, { dryRun, where: (i) => `row ${rows[i]!.row}` });
    const duplicates = out.duplicates.map((d) => ({ row: rows[d.index]!.row, phone: d.phone, sameAs: typeof d.sameAs === 'number' ? rows[d.sameAs]!.row : d.sameAs }));
    if (!dryRun) await note(req, 'campaign.contacts', { name }, { added: out.added, via: 'import' });
    res.json({ added: out.added, duplicates, rows: rows.length, dryRun });
  });
  r.post('/campaigns/:name/contacts/from-customers', { ...MANAGE, params: campaignParams, body: contactsFromCustomersBody }, async (req, res) => {
    const { name } = input(req, 'path', campaignParams);
    const { tag } = input(req, 'body', contactsFromCustomersBody);
    const c = await campaigns.get(name);
    if (c.status === 'finished') throw new CampaignFinishedError(`campaign ${name} is finished: no contacts are added`, { name });
    const customers = await campaigns.ports.customersWithTag(tag);
    const withPhone = customers.filter((c) => c.phones.length);
    const out = withPhone.length ? await campaigns.addContacts(name, withPhone.map((c) => ({ phone: c.phones[0]!, name: c.name, fields: {}, customerId: c.id }))) : { added: 0, duplicates: [] };
    await note(req, 'campaign.contacts', { name }, { added: out.added, via: 'customers', tag });
    res.json({ ...out, withoutPhone: customers.length - withPhone.length });
  });
  r.get('/campaigns/:name/contacts', { ...READ, params: campaignParams, query: contactListQuery }, async (req, res) => {
    res.json(await campaigns.contacts(input(req, 'path', campaignParams).name, input(req, 'query', contactListQuery)));
  });
  r.delete('/campaigns/:name/contacts/:id', { ...MANAGE, params: contactParams }, async (req, res) => {
    const { name, id } = input(req, 'path', contactParams);
    await campaigns.cancel(name, id);
    await note(req, 'campaign.contact.cancel', { name }, { contactId: id });
    res.status(204).end();
  });
  r.get('/campaigns/:name/report', { ...READ, params: campaignParams }, async (req, res) => {
    res.json(await campaignReport(campaigns, input(req, 'path', campaignParams).name));
  });
  r.get('/campaigns/:name/export.xlsx', { ...MANAGE, params: campaignParams, query: exportQuery }, async (req, res) => {
    const { name } = input(req, 'path', campaignParams);
    const { locale } = input(req, 'query', exportQuery);
    const c = await campaigns.get(name);
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="campaign-${c.name}.xlsx"`);
    const rows = await writeContactsXlsx(res, campaigns, name, locale);
    await note(req, 'campaign.export', c, { rows, locale });
  });
}
