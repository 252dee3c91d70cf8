// The knowledge base as its authors and reviewers use it (docs/api/kb.md): the /kb page.
import { api, download, upload } from './client';
import type { ArticleView, VersionView } from '@server/kb/kb.views';
import type { CategoryNode } from '@server/kb/kb.categories';
import type { DiffLine } from '@server/kb/kb.diff';

export { createArticleBody, createCategoryBody } from '@server/kb/kb.schemas';

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] extends Array<infer U> ? Array<Json<U>> : T[K] extends object | null ? Json<T[K]> : T[K] };
export type Article = Json<ArticleView>;
export type ArticleRow = Omit<Article, 'body' | 'helpful' | 'attachments'>;
export type Category = Json<CategoryNode>;
export type Version = Omit<Json<VersionView>, 'body'> & { published: boolean; latest: boolean };
export type Status = 'draft' | 'in_review' | 'published' | 'archived';
export const STATUSES: readonly Status[] = ['draft', 'in_review', 'published', 'archived'];
export interface ArticleFields { title: string; body: string; tags: string[]; faq: boolean; categoryId: string | null }

const at = (id: string) => `/api/kb/articles/${id}`;

/** A file of an article (PDF, PNG, JPEG or UTF-8 text). */
export type KbFile = Article['attachments'][number];

export const kbApi = {
  attach: (id: string, file: File) => upload<KbFile>(`${at(id)}/attachments`, file, 'application/octet-stream', { filename: file.name }),
  downloadFile: (id: string, f: KbFile) => download(`${at(id)}/attachments/${f.id}`, {}, f.filename),
  removeFile: (id: string, f: KbFile) => api.del<void>(`${at(id)}/attachments/${f.id}`),
  categories: () => api.get<{ items: Category[] }>('/api/kb/categories'),
  createCategory: (name: string, parentId: string | null) => api.post<Category>('/api/kb/categories', { name, parentId }),
  renameCategory: (id: string, name: string) => api.patch<Category>(`/api/kb/categories/${id}`, { name }),
  deleteCategory: (id: string) => api.del<void>(`/api/kb/categories/${id}`),
  list: (q: { status?: Status | ''; category?: string; limit: number; offset: number }) =>
    api.get<{ total: number; items: ArticleRow[] }>('/api/kb/articles', { drafts: 'true', status: q.status || undefined, category: q.category, limit: q.limit, offset: q.offset }),
  article: (id: string) => api.get<Article>(at(id), { drafts: 'true' }),
  create: (f: ArticleFields) => api.post<Article>('/api/kb/articles', f),
  update: (id: string, f: Partial<ArticleFields>, baseVersion: number) => api.patch<Article>(at(id), { ...f, baseVersion }),
  submit: (id: string) => api.post<Article>(`${at(id)}/submit`),
  revise: (id: string) => api.post<Article>(`${at(id)}/revise`),
  approve: (id: string, note?: string) => api.post<Article>(`${at(id)}/approve`, note ? { note } : {}),
  reject: (id: string, note: string) => api.post<Article>(`${at(id)}/reject`, { note }),
  archive: (id: string) => api.post<Article>(`${at(id)}/archive`),
  versions: (id: string) => api.get<{ latestVersion: number; publishedVersion: number | null; items: Version[] }>(`${at(id)}/versions`),
  diff: (id: string, from: number, to: number) => api.get<{ fields: Record<string, unknown>; lines: DiffLine[] }>(`${at(id)}/diff`, { from, to }),
};
