/** Who may call the facility routes, shared by the pages and the API (scope is the verbs' to check). */
/** Everyone but the wall display, which reads occupancy only. */
export const READERS = { access: ['admin', 'command', 'manager', 'intake', 'satpol'] as const };
export const ADMIN = { access: ['admin'] as const };
/** Admin, or a manager (the verbs check it is that facility's manager). */
export const MANAGERS = { access: ['admin', 'manager'] as const };
