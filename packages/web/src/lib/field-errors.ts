import { errorMessage } from '../trpc';

/**
 * The API names the field in what it refuses: bad input comes with `data.fieldErrors`
 * (`{ path, message }[]`), other refusals with a message such as `username: "bob" is already
 * taken`. Forms show each under its input and anything else above the form.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof error !== 'object' || error === null) return out;
  const data: unknown = 'data' in error ? error.data : undefined;
  const list: unknown =
    typeof data === 'object' && data !== null && 'fieldErrors' in data
      ? data.fieldErrors
      : undefined;
  if (Array.isArray(list)) {
    for (const item of list as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { path, message } = item as { path?: unknown; message?: unknown };
      if (typeof path !== 'string' || typeof message !== 'string') continue;
      // The first message per field: the most basic problem (empty before too short).
      const key = path.split('.')[0] ?? path;
      out[key] ??= message;
    }
    return out;
  }
  const match = /^([A-Za-z]\w*)(?:\.[\w.]+)?: (.+)$/s.exec(errorMessage(error));
  if (match?.[1] && match[2]) out[match[1]] = match[2];
  return out;
}

export interface FormError {
  /** Messages for the form's own fields, by field name. */
  fields: Partial<Record<string, string>>;
  /** The message to show above the form when no field of the form explains the failure. */
  general: string | null;
}

/** Splits a failed mutation's error between the form's fields and a message for the form. */
export function formError(error: unknown, fieldNames: readonly string[]): FormError {
  if (error === null || error === undefined) return { fields: {}, general: null };
  const all = fieldErrorsOf(error);
  const fields: Partial<Record<string, string>> = {};
  for (const name of fieldNames) if (all[name] !== undefined) fields[name] = all[name];
  return {
    fields,
    general: Object.keys(fields).length === 0 ? errorMessage(error) : null,
  };
}
