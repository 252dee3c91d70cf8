// The wallboard's inputs. Agent ids and break reasons are the ACD's own schemas: a supervisor's
// break is validated exactly as the agent's.
import { z } from 'zod';
import { MONITOR_MODES } from '../pbx/ports.js';

export { agentParams, breakBody } from '../acd/acd.schemas.js';
export const monitorBody = z.strictObject({ mode: z.enum(MONITOR_MODES) });
