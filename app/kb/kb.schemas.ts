import { z } from 'zod';

const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/, 'must not contain control characters');

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const categoryIdParams = z.strictObject({ categoryId: z.uuid() });
export const articleIdParams = z.strictObject({ articleId: z.uuid() });
export const attachmentParams = z.strictObject({ articleId: z.uuid(), attachmentId: z.uuid() });

export const createCategoryBody = z.strictObject({
  name: text(128).trim().min(1, 'name must not be empty'),
  parentId: z.uuid().nullable().default(null),
});

export const updateCategoryBody = z
  .strictObject({
    name: text(128).trim().min(1, 'name must not be empty').optional(),
    parentId: z.uuid().nullable().optional(),
  })
  .refine((b) => b.name !== undefined || b.parentId !== undefined, 'give name and/or parentId');

const tags = z.array(text(40).trim().min(1)).max(20).transform((t) => [...new Set(t)]);

export const createArticleBody = z.strictObject({
  title: text(200).trim().min(1, 'title must not be empty'),
  body: z.string().max(200_000),
  tags: tags.default([]),
  faq: z.boolean().default(false),
  categoryId: z.uuid().nullable().default(null),
});

export const updateArticleBody = z
  .strictObject({
    title: text(200).trim().min(1, 'title must not be empty').optional(),
    body: z.string().max(200_000).optional(),
    tags: tags.optional(),
    faq: z.boolean().optional(),
    categoryId: z.uuid().nullable().optional(),
    /** The version the edit was based on; a newer latest version is a 409. */
    baseVersion: z.number().int().min(1).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'baseVersion'), 'nothing to change');

export const reviewBody = z.strictObject({ note: text(500).trim().optional() });
export const rejectBody = z.strictObject({ note: text(500).trim().min(1, 'say why the version is rejected') });

export const voteBody = z.strictObject({ helpful: z.boolean() });

/** `drafts=true`: authors, supervisors and admins see the latest (unpublished) version. */
export const getArticleQuery = z.strictObject({ drafts: bool.optional() });

export const listQuery = z.strictObject({
  drafts: bool.optional(),
  status: z.enum(['draft', 'in_review', 'published', 'archived']).optional(),
  category: z.uuid().optional(),
  faq: bool.optional(),
  sort: z.enum(['updatedAt', 'views', 'title']).default('updatedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: int(1, 100).default(20),
  offset: int(0, 1_000_000).default(0),
});

export const searchQuery = z.strictObject({
  q: z.string().trim().min(1, 'q must not be empty').max(200, 'q must be at most 200 characters'),
  category: z.uuid().optional(),
  faq: bool.optional(),
  limit: int(1, 100).default(20),
  offset: int(0, 1_000_000).default(0),
});

export const diffQuery = z.strictObject({ from: int(1, 1_000_000), to: int(1, 1_000_000) });

export const uploadQuery = z.strictObject({
  filename: text(200)
    .trim()
    .min(1)
    .regex(/^[^/\\]+$/, 'no slashes in a file name'),
});

export type CreateArticleInput = z.infer<typeof createArticleBody>;
export type UpdateArticleInput = z.infer<typeof updateArticleBody>;
export type ListQuery = z.infer<typeof listQuery>;
export type SearchQuery = z.infer<typeof searchQuery>;
