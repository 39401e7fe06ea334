// Writes src/http/openapi-types.gen.ts: the types of /openapi.json (see openapi-types.ts).
import { writeFileSync } from 'node:fs';

import { openApiDocument } from '../src/http/openapi';
import { GENERATED_TYPES_PATH, generatedTypes } from '../src/http/openapi-types';
import { SURFACES } from '../src/http/surfaces';

writeFileSync(GENERATED_TYPES_PATH, await generatedTypes(openApiDocument(SURFACES)));
console.log(`wrote ${GENERATED_TYPES_PATH}`);
