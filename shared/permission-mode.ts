import { z } from 'zod';

/** bypassPermissions: Claude runs any tool without asking. ask: each tool use waits for Allow/Deny. */
export const PermissionMode = z.enum(['bypassPermissions', 'ask']);
export type PermissionMode = z.infer<typeof PermissionMode>;
