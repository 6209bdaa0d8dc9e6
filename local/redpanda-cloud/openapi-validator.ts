// Validates HTTP requests (and, for self-checks, responses) against the Redpanda Cloud OpenAPI 3.0 specs
// (specs/redpanda-cloud/cloud-{controlplane,dataplane}.yaml, the committed copies) with ajv.
//
// Deliberately STRICTER than the real gateway, which silently drops unknown JSON fields (docs/reference/redpanda-cloud.md §0.6):
// request object schemas get `additionalProperties: false`, unknown query parameters are violations, and a
// body sent to an operation that takes none is a violation. So a misspelt field fails locally.
//
// OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `null` type (and a null enum member); `$ref`s point
// into the same document's components; `example(s)` and other annotations are ignored (ajv strict off).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

export type SpecName = 'controlplane' | 'dataplane';

export interface Violation {
  readonly location: 'path' | 'query' | 'body' | 'header' | 'response';
  readonly message: string;
}

export interface OperationMatch {
  readonly spec: SpecName;
  readonly operationId: string;
  readonly method: string;
  readonly template: string;
  readonly pathParams: Record<string, string>;
}

export interface RequestValidation {
  /** Undefined when no operation of the spec has this method and path. */
  readonly operation: OperationMatch | undefined;
  readonly violations: Violation[];
  /** Parsed JSON body (when there was one and it parsed). */
  readonly body: unknown;
  /** Query values after type coercion; map parameters (`filter.tags[k]`) appear as nested records. */
  readonly query: Record<string, unknown>;
}

/**
 * Responses the spec declares unwrapped but the wire wraps (docs/reference/redpanda-cloud.md §0.1): the declared schema applies to
 * `body[key]`. This table IS the spec-versus-wire difference the local server reproduces.
 */
export const WIRE_WRAPPED_RESPONSES: Readonly<Record<string, string>> = {
  PipelineService_CreatePipeline: 'pipeline',
  PipelineService_GetPipeline: 'pipeline',
  PipelineService_UpdatePipeline: 'pipeline',
  PipelineService_StartPipeline: 'pipeline',
  PipelineService_StopPipeline: 'pipeline',
  UserService_CreateUser: 'user',
  UserService_UpdateUser: 'user',
};

/*
 * Where the committed specs and the wire disagree on an operation the product uses, each with its evidence. Only
 * these differences are allowed for; anything else still fails validation.
 */

/**
 * Query parameters the wire takes that the spec does not declare. PATCH /v1/clusters/{cluster.id} declares only
 * its path parameter, but the update is made with an `update_mask` (docs/reference/redpanda-cloud.md §2.1, §11; the
 * Terraform provider sends one), which grpc-gateway reads from the query into the request's FieldMask, as the
 * spec's other Update* requests declare.
 */
export const WIRE_QUERY_PARAMETERS: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>> = {
  ClusterService_UpdateCluster: { update_mask: { type: 'string' } },
};

/**
 * Names a request body schema requires that are not fields of the body. PATCH cluster's body schema requires
 * `cluster`, the request message's field the gateway maps the whole body to (`body: "cluster"`), not a key in it;
 * the spec's own example body has no such key.
 */
export const WIRE_BODY_NOT_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  ClusterService_UpdateCluster: ['cluster'],
};

/**
 * Responses whose declared schema is not the wire's, as `<operationId> <status>` → the component schema that is.
 * PATCH cluster declares `ClusterUpdate` for its 202, but its own example and the long-running-operation contract
 * (docs/reference/redpanda-cloud.md §2.2) answer `{"operation": …}`, the spec's `UpdateClusterOperation`.
 */
export const WIRE_RESPONSE_SCHEMAS: Readonly<Record<string, string>> = {
  'ClusterService_UpdateCluster 202': 'UpdateClusterOperation',
};

/**
 * Component schemas that require a field they do not define. `Network` requires `type`, which is not among its
 * properties (its kind is `cluster_type`); the spec's own GET network example has no `type`.
 */
export const SPEC_REQUIRED_WITHOUT_PROPERTY: Readonly<Record<string, readonly string[]>> = {
  Network: ['type'],
};

interface ParamDef {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: Record<string, unknown>;
  /** For `filter.tags[string]`-style map parameters: the prefix before `[`. */
  readonly mapPrefix?: string;
}

interface OperationDef {
  readonly spec: SpecName;
  readonly operationId: string;
  readonly method: string;
  readonly template: string;
  readonly regex: RegExp;
  readonly pathParamNames: string[];
  readonly params: ParamDef[];
  readonly requestBody?: { required: boolean; schema: Record<string, unknown> };
  readonly responses: Record<string, Record<string, unknown> | undefined>;
}

type Json = Record<string, unknown>;

/** Where the specs live: $RPCN_REDPANDA_SPECS_DIR, else the repository's copy in specs/redpanda-cloud. */
export function defaultSpecDir(): string {
  const fromEnv = process.env.RPCN_REDPANDA_SPECS_DIR;
  if (fromEnv) return fromEnv;
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, '..', '..', 'specs', 'redpanda-cloud');
}

/** OpenAPI 3.0 schema → JSON Schema (draft-07 subset ajv understands). `strict` closes request objects. */
export function convertSchema(schema: unknown, docId: string, strict: boolean, insideComposition = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => convertSchema(s, docId, strict, insideComposition));
  if (typeof schema !== 'object' || schema === null) return schema;
  const src = schema as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(src)) {
    if (key === 'example' || key === 'examples' || key === 'nullable' || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = value.startsWith('#') ? `${docId}${value}` : value;
    } else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(
        Object.entries(value as Json).map(([k, v]) => {
          const converted = convertSchema(v, docId, strict, false);
          // Responses: the gateway emits unset message fields as null (EmitDefaultValues; e.g. the spec's own
          // examples `"dataplane_api": null`, `"localized_message": null`), which the 3.0 schemas do not declare.
          const isRef = typeof v === 'object' && v !== null && '$ref' in v;
          return [k, !strict && isRef ? { anyOf: [converted, { type: 'null' }] } : converted];
        }),
      );
    } else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') {
      out[key] = (value as unknown[]).map((v) => convertSchema(v, docId, strict, true));
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      out[key] = typeof value === 'object' ? convertSchema(value, docId, strict, false) : value;
    } else {
      out[key] = value;
    }
  }
  if (src.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  if (strict && !insideComposition && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function pathRegex(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (m) {
        names.push(m[1]!);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

function describeAjvError(e: ErrorObject, prefix: string): string {
  const where = `${prefix}${e.instancePath}`;
  if (e.keyword === 'additionalProperties') {
    return `${where}: unknown field "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`;
  }
  if (e.keyword === 'enum') return `${where}: ${e.message} (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`;
  return `${where}: ${e.message ?? e.keyword}`;
}

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly operations: OperationDef[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(specDir: string = defaultSpecDir()) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('uint64', /^\d+$/);
    for (const spec of ['controlplane', 'dataplane'] as const) {
      const doc = parseYaml(readFileSync(join(specDir, `cloud-${spec}.yaml`), 'utf8')) as Json;
      const schemas = withoutPhantomRequired(((doc.components as Json | undefined)?.schemas ?? {}) as Json);
      for (const mode of ['strict', 'lenient'] as const) {
        const id = `${spec}-${mode}`;
        const converted = Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, convertSchema(s, id, mode === 'strict')]));
        this.ajv.addSchema({ $id: id, components: { schemas: converted } });
      }
      this.index(spec, (doc.paths ?? {}) as Json);
    }
    // Literal paths before templated ones, fewer parameters first.
    this.operations.sort((a, b) => a.pathParamNames.length - b.pathParamNames.length);
  }

  private index(spec: SpecName, paths: Json): void {
    for (const [template, item] of Object.entries(paths)) {
      const pathItem = item as Json;
      const shared = (pathItem.parameters ?? []) as Json[];
      for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
        const op = pathItem[method] as Json | undefined;
        if (!op) continue;
        const { regex, names } = pathRegex(template);
        const operationId = String(op.operationId);
        const wireParams = Object.entries(WIRE_QUERY_PARAMETERS[operationId] ?? {}).map(([name, schema]) => ({ name, in: 'query', schema }) as Json);
        const params: ParamDef[] = [...shared, ...((op.parameters ?? []) as Json[]), ...wireParams].map((p) => {
          const name = String(p.name);
          const mapMatch = /^(.*)\[string\]$/.exec(name);
          return {
            name,
            in: p.in as ParamDef['in'],
            required: p.required === true,
            schema: (p.schema ?? {}) as Json,
            ...(mapMatch ? { mapPrefix: mapMatch[1]! } : {}),
          };
        });
        const rb = op.requestBody as Json | undefined;
        const declaredBody = ((rb?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
        const notRequired = WIRE_BODY_NOT_REQUIRED[operationId] ?? [];
        const rbSchema =
          declaredBody && Array.isArray(declaredBody.required) && notRequired.length > 0
            ? { ...declaredBody, required: (declaredBody.required as string[]).filter((name) => !notRequired.includes(name)) }
            : declaredBody;
        const responses: Record<string, Json | undefined> = {};
        for (const [status, resp] of Object.entries((op.responses ?? {}) as Json)) {
          const wire = WIRE_RESPONSE_SCHEMAS[`${operationId} ${status}`];
          responses[status] = wire
            ? { $ref: `#/components/schemas/${wire}` }
            : ((((resp as Json).content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined);
        }
        this.operations.push({
          spec,
          operationId,
          method: method.toUpperCase(),
          template,
          regex,
          pathParamNames: names,
          params,
          ...(rbSchema ? { requestBody: { required: rb?.required === true, schema: rbSchema } } : {}),
          responses,
        });
      }
    }
  }

  /** Every operation id of a spec (for coverage reports). */
  operationIds(spec: SpecName): string[] {
    return this.operations.filter((o) => o.spec === spec).map((o) => o.operationId);
  }

  match(spec: SpecName, method: string, pathname: string): OperationMatch | undefined {
    for (const op of this.operations) {
      if (op.spec !== spec || op.method !== method) continue;
      const m = op.regex.exec(pathname);
      if (!m) continue;
      const pathParams: Record<string, string> = {};
      op.pathParamNames.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(m[i + 1]!);
      });
      return { spec, operationId: op.operationId, method: op.method, template: op.template, pathParams };
    }
    return undefined;
  }

  private validator(key: string, schema: unknown, docId: string): ValidateFunction {
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(convertSchema(schema, docId, docId.endsWith('-strict')) as object);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  validateRequest(
    spec: SpecName,
    method: string,
    pathname: string,
    search: URLSearchParams,
    contentType: string | undefined,
    rawBody: string,
  ): RequestValidation {
    const operation = this.match(spec, method, pathname);
    const violations: Violation[] = [];
    const query: Record<string, unknown> = {};
    if (!operation) {
      return { operation, violations: [{ location: 'path', message: `no ${spec} operation ${method} ${pathname} in the spec` }], body: undefined, query };
    }
    const op = this.operations.find((o) => o.spec === spec && o.operationId === operation.operationId)!;
    const strictId = `${spec}-strict`;

    for (const p of op.params.filter((x) => x.in === 'path')) {
      const value = operation.pathParams[p.name];
      const fn = this.validator(`${op.operationId}:path:${p.name}`, p.schema, strictId);
      if (value === undefined || value === '') violations.push({ location: 'path', message: `path parameter ${p.name} is empty` });
      else if (!fn(coerce(value, p.schema))) violations.push(...(fn.errors ?? []).map((e) => ({ location: 'path' as const, message: describeAjvError(e, p.name) })));
    }

    const queryParams = op.params.filter((x) => x.in === 'query');
    const seen = new Set<string>();
    for (const key of new Set(search.keys())) {
      const values = search.getAll(key);
      const direct = queryParams.find((p) => p.name === key && !p.mapPrefix);
      const mapped = direct ? undefined : queryParams.find((p) => p.mapPrefix !== undefined && key.startsWith(`${p.mapPrefix}[`) && key.endsWith(']'));
      const param = direct ?? mapped;
      if (!param) {
        violations.push({ location: 'query', message: `unknown query parameter "${key}" (not in the spec of ${op.operationId})` });
        continue;
      }
      seen.add(param.name);
      const isArray = param.schema.type === 'array';
      if (!isArray && values.length > 1) violations.push({ location: 'query', message: `query parameter ${key} given ${values.length} times` });
      const value = isArray ? values.map((v) => coerce(v, (param.schema.items ?? {}) as Json)) : coerce(values[0]!, param.schema);
      const fn = this.validator(`${op.operationId}:query:${param.name}`, param.schema, strictId);
      if (!fn(value)) violations.push(...(fn.errors ?? []).map((e) => ({ location: 'query' as const, message: describeAjvError(e, key) })));
      if (mapped) {
        const inner = key.slice(mapped.mapPrefix!.length + 1, -1);
        const bucket = (query[mapped.mapPrefix!] ??= {}) as Record<string, unknown>;
        bucket[inner] = value;
      } else {
        query[key] = value;
      }
    }
    for (const p of queryParams) {
      if (p.required && !seen.has(p.name)) violations.push({ location: 'query', message: `required query parameter ${p.name} is missing` });
    }

    let body: unknown;
    const hasBody = rawBody.length > 0;
    if (op.requestBody) {
      if (!hasBody) {
        if (op.requestBody.required) violations.push({ location: 'body', message: 'request body is required' });
      } else {
        if (!contentType || !/application\/json/i.test(contentType)) {
          violations.push({ location: 'header', message: `content-type must be application/json, got ${contentType ?? 'none'}` });
        }
        try {
          body = JSON.parse(rawBody) as unknown;
          const fn = this.validator(`${op.operationId}:body`, op.requestBody.schema, strictId);
          if (!fn(body)) violations.push(...(fn.errors ?? []).map((e) => ({ location: 'body' as const, message: describeAjvError(e, 'body') })));
        } catch (err) {
          violations.push({ location: 'body', message: `body is not JSON: ${(err as Error).message}` });
        }
      }
    } else if (hasBody) {
      violations.push({ location: 'body', message: `${op.operationId} takes no request body` });
    }
    return { operation, violations, body, query };
  }

  /** Check a response against the declared schema (lenient: extra fields allowed), allowing the wire's wrapping. */
  validateResponse(spec: SpecName, operationId: string, status: number, body: unknown): Violation[] {
    const op = this.operations.find((o) => o.spec === spec && o.operationId === operationId);
    if (!op) return [{ location: 'response', message: `unknown operation ${operationId}` }];
    let declared = String(status) in op.responses ? op.responses[String(status)] : op.responses.default;
    if (!(String(status) in op.responses) && !('default' in op.responses)) {
      // Some control plane operations declare only 200/404/500; any other error must still be an rpc.Status.
      if (status < 400) return [{ location: 'response', message: `${operationId} does not declare status ${status}` }];
      declared = { $ref: '#/components/schemas/rpc.Status' };
    }
    if (status === 204) return body === undefined ? [] : [{ location: 'response', message: '204 with a body' }];
    if (!declared || Object.keys(declared).length === 0) return [];
    const wrapKey = status < 300 ? WIRE_WRAPPED_RESPONSES[operationId] : undefined;
    let target = body;
    if (wrapKey) {
      if (typeof body !== 'object' || body === null || !(wrapKey in body)) return [{ location: 'response', message: `expected the wire wrapper {"${wrapKey}": …}` }];
      target = (body as Json)[wrapKey];
    }
    const fn = this.validator(`${operationId}:response:${status}`, declared, `${spec}-lenient`);
    return fn(target) ? [] : (fn.errors ?? []).map((e) => ({ location: 'response' as const, message: describeAjvError(e, 'response') }));
  }
}

/** The schemas with SPEC_REQUIRED_WITHOUT_PROPERTY applied (only while the named field is indeed not a property). */
function withoutPhantomRequired(schemas: Json): Json {
  const out: Json = { ...schemas };
  for (const [name, fields] of Object.entries(SPEC_REQUIRED_WITHOUT_PROPERTY)) {
    const schema = schemas[name] as Json | undefined;
    if (!schema || !Array.isArray(schema.required)) continue;
    const properties = (schema.properties ?? {}) as Json;
    out[name] = { ...schema, required: (schema.required as string[]).filter((f) => !(fields.includes(f) && !(f in properties))) };
  }
  return out;
}

function coerce(value: string, schema: Json): unknown {
  const type = schema.type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

let shared: OpenApiValidator | undefined;
/** One validator per process (the specs are large; parsing them once is enough). */
export function sharedValidator(): OpenApiValidator {
  shared ??= new OpenApiValidator();
  return shared;
}
