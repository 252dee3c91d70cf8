// The category tree: any depth (a parent id per category). Moves that would make a cycle
// and deletes of categories that still hold subcategories or articles are refused.
import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { KbCategory } from './kb.entities.js';
import { CategoryCycleError, CategoryNameTakenError, CategoryNotEmptyError, CategoryNotFoundError } from './kb.errors.js';

export interface CategoryView {
  id: string;
  parentId: string | null;
  name: string;
  /** Names from the root down to this category. */
  path: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface CategoryNode extends CategoryView {
  children: CategoryNode[];
}

export class KbCategories {
  constructor(private readonly db: DataSource) {}

  async tree(): Promise<CategoryNode[]> {
    const all = await this.db.getRepository(KbCategory).find({ order: { name: 'ASC' } });
    const byParent = new Map<string | null, KbCategory[]>();
    for (const c of all) byParent.set(c.parentId, [...(byParent.get(c.parentId) ?? []), c]);
    const build = (parent: string | null, path: string[]): CategoryNode[] =>
      (byParent.get(parent) ?? []).map((c) => ({ ...view(c, [...path, c.name]), children: build(c.id, [...path, c.name]) }));
    return build(null, []);
  }

  async get(id: string): Promise<CategoryView> {
    const c = await this.db.getRepository(KbCategory).findOneBy({ id });
    if (!c) throw new CategoryNotFoundError(id);
    return view(c, await this.path(this.db.manager, c));
  }

  async create(input: { name: string; parentId: string | null }): Promise<CategoryView> {
    return this.db.transaction(async (m) => {
      if (input.parentId) await this.require(m, input.parentId, 'input');
      await this.uniqueName(m, input.parentId, input.name);
      const now = new Date();
      const c = m.create(KbCategory, { id: randomUUID(), parentId: input.parentId, name: input.name, createdAt: now, updatedAt: now });
      await m.insert(KbCategory, c);
      return view(c, await this.path(m, c));
    });
  }

  /** Renames and/or moves (parentId null: to the root). */
  async update(id: string, input: { name?: string; parentId?: string | null }): Promise<CategoryView> {
    return this.db.transaction(async (m) => {
      const c = await m.findOneBy(KbCategory, { id });
      if (!c) throw new CategoryNotFoundError(id);
      const parentId = input.parentId === undefined ? c.parentId : input.parentId;
      if (parentId) {
        await this.require(m, parentId, 'input');
        // Walk up from the new parent: meeting the category itself means a cycle.
        for (let at: string | null = parentId, hops = 0; at; hops++) {
          if (at === id || hops > 10_000) throw new CategoryCycleError(id, parentId);
          at = (await m.findOneBy(KbCategory, { id: at }))?.parentId ?? null;
        }
      }
      const name = input.name ?? c.name;
      if (name !== c.name || parentId !== c.parentId) await this.uniqueName(m, parentId, name, id);
      await m.update(KbCategory, { id }, { name, parentId, updatedAt: new Date() });
      const saved = (await m.findOneBy(KbCategory, { id }))!;
      return view(saved, await this.path(m, saved));
    });
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.require(m, id, 'path');
      const children = await m.countBy(KbCategory, { parentId: id });
      const [row] = (await m.query(
        `SELECT COUNT(*) AS n FROM kb_articles a WHERE EXISTS (SELECT 1 FROM kb_article_versions v WHERE v.article_id = a.id AND v.category_id = ? AND (v.version = a.latest_version OR v.version = a.published_version))`,
        [id],
      )) as Array<{ n: number | string }>;
      const articles = Number(row?.n ?? 0);
      if (children || articles) throw new CategoryNotEmptyError(id, children, articles);
      await m.delete(KbCategory, { id });
    });
  }

  /** The category and all its descendants (for a search or list filter). */
  async withDescendants(id: string): Promise<string[]> {
    await this.require(this.db.manager, id, 'input');
    const all = await this.db.getRepository(KbCategory).find({ select: { id: true, parentId: true } });
    const out = [id];
    for (let i = 0; i < out.length; i++) for (const c of all) if (c.parentId === out[i]) out.push(c.id);
    return out;
  }

  /** Throws unless the category exists: 404 for the path, 400 unknown_category for input. */
  async require(m: EntityManager, id: string, where: 'path' | 'input'): Promise<KbCategory> {
    const c = await m.findOneBy(KbCategory, { id });
    if (!c) throw new CategoryNotFoundError(id, where);
    return c;
  }

  async names(ids: Array<string | null>): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((i): i is string => !!i))];
    if (!wanted.length) return new Map();
    const rows = await this.db.getRepository(KbCategory).find({ select: { id: true, name: true } });
    return new Map(rows.filter((r) => wanted.includes(r.id)).map((r) => [r.id, r.name]));
  }

  private async uniqueName(m: EntityManager, parentId: string | null, name: string, except?: string): Promise<void> {
    const same = await m.find(KbCategory, { where: { parentId: parentId ?? IsNull() } });
    if (same.some((s) => s.id !== except && s.name.toLowerCase() === name.toLowerCase())) throw new CategoryNameTakenError(name);
  }

  private async path(m: EntityManager, c: KbCategory): Promise<string[]> {
    const names = [c.name];
    for (let at = c.parentId, hops = 0; at && hops < 10_000; hops++) {
      const p = await m.findOneBy(KbCategory, { id: at });
      if (!p) break;
      names.unshift(p.name);
      at = p.parentId;
    }
    return names;
  }
}

function view(c: KbCategory, path: string[]): CategoryView {
  return { id: c.id, parentId: c.parentId, name: c.name, path, createdAt: c.createdAt, updatedAt: c.updatedAt };
}
