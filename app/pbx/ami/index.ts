// Hotline's AMI client. Only app/pbx/ imports this.
export { AmiClient, AmiError } from './client.js';
export type { AmiClientOptions, AmiClientEventMap, AmiErrorCode, AmiFields, AmiFieldValue, AmiState } from './client.js';
export { AmiParser, AmiProtocolError, DEFAULT_MAX_MESSAGE_BYTES, addField, fieldOf, fieldsOf } from './parser.js';
export type { AmiFrame } from './parser.js';
export { isAmiEvent, isKnownAmiEvent } from './types.js';
export type * from './types.js';
