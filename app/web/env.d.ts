/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, any>;
  export default component;
}
interface Window {
  /** Translation keys the page asked for and neither language had (read by the e2e tests). */
  __hotlineMissingKeys?: string[];
  /** The desktop's phone, for the e2e tests' media checks. */
  __hotlinePhone?: unknown;
}
