import { z } from 'zod';

/** A prompt name is also its file name and its Asterisk `sound:` name: no dots, no slashes. */
export const promptName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (1 to 64 characters)');

export const promptLanguage = z.enum(['en', 'zh']);

export const promptNameParams = z.object({ name: promptName });

export const uploadQuery = z.strictObject({ language: promptLanguage });

export const ttsBody = z.strictObject({
  text: z
    .string()
    .trim()
    .min(1, 'text must not be empty')
    .max(1000, 'text must be at most 1000 characters')
    .regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/, 'text must not contain control characters'),
  language: promptLanguage,
});
