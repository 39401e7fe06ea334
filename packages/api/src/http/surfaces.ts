import { CA_PORTAL_SURFACE } from './ca-portal';
import { HPE_SDN_SURFACE } from './hpe-sdn';
import { junosSpaceSurface } from './junos-space';
import { restV1Surface } from './rest-v1';
import type { HttpSurface } from './surface';

/** Every HTTP surface beside tRPC, in the order /openapi.json and /docs list them. */
export const SURFACES: readonly HttpSurface[] = [
  restV1Surface,
  junosSpaceSurface,
  HPE_SDN_SURFACE,
  CA_PORTAL_SURFACE,
];

/** The paths they serve under (the rate limit counts them; the SPA never answers them). */
export const SURFACE_PREFIXES = ['/api/', '/sdn/', '/tenant-admin/'] as const;
