// A sentence the page says in its language: a translation key and its values (the IVR outline
// and the routing rules in words are made of them).
export interface Phrase { key: string; params?: Record<string, string | number> }
