import { declarationOf, type EventField } from '@audit/db/fields';

import { STATUS_LABELS } from '../components/status-badge';

/** How the SPA shows one value of a field: a status by its label, an enum word capitalised. */
export function valueLabel(field: EventField, value: string): string {
  if (field === 'status' && value in STATUS_LABELS) {
    return STATUS_LABELS[value as keyof typeof STATUS_LABELS].label;
  }
  if (declarationOf(field).values) return value.charAt(0).toUpperCase() + value.slice(1);
  return value;
}
