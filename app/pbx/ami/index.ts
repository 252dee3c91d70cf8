// Hotline's AMI client. Only app/pbx/ imports this.
export { AmiClient } from './client.js';
export { AmiParser, AmiProtocolError, DEFAULT_MAX_MESSAGE_BYTES, addField, encodeAction, fieldOf, fieldsOf } from './parser.js';
export type { AmiFrame } from './parser.js';
export { AmiError, isAmiEvent, isKnownAmiEvent } from './types.js';
export type * from './types.js';
