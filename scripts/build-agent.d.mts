export function buildAgent(options?: { quiet?: boolean }): Promise<void>;
