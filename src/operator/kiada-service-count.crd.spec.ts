import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadYaml, V1CustomResourceDefinition, V1JSONSchemaProps } from '#kubernetes-client';
import {
  Condition,
  DEFAULT_STALE_AFTER_SECONDS,
  KiadaServiceCountSpec,
  KiadaServiceCountStatus,
  PolicyForecastSpec,
  PolicyScheduleSpec,
  PolicySpec,
  PolicyTierSpec,
  KSC_GROUP,
  KSC_KIND,
  KSC_PLURAL,
  KSC_VERSION,
} from '../kubernetes/kiada-service-count.js';

const CRD_PATH = resolve('helm/kiada-autoscaler/crds/kiadaservicecounts.hanyang.ac.kr.yaml');

type SchemaType = 'string' | 'integer' | 'boolean' | 'object' | 'array';
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/**
 * One entry per field of T, each saying its schema type and whether T requires it. tsc
 * rejects a missing or extra field, or a wrong `required`, so the TypeScript side of a
 * drift fails to compile and the YAML side fails the tests below.
 */
type FieldsOf<T> = {
  [K in keyof Required<T>]: {
    type: SchemaType;
    required: K extends RequiredKeys<T> ? true : false;
  };
};

const SPEC_FIELDS = {
  owner: { type: 'string', required: false },
  kiadaServiceCount: { type: 'integer', required: true },
  targetRef: { type: 'object', required: false },
  fallback: { type: 'object', required: false },
  policy: { type: 'object', required: false },
} satisfies FieldsOf<KiadaServiceCountSpec>;

const POLICY_FIELDS = {
  tiers: { type: 'array', required: false },
  stepUsers: { type: 'integer', required: false },
  minReplicas: { type: 'integer', required: false },
  maxReplicas: { type: 'integer', required: false },
  scaleDown: { type: 'object', required: false },
  schedules: { type: 'array', required: false },
  forecast: { type: 'object', required: false },
} satisfies FieldsOf<PolicySpec>;

const TIER_FIELDS = {
  belowUsers: { type: 'integer', required: true },
  replicas: { type: 'integer', required: true },
} satisfies FieldsOf<PolicyTierSpec>;

const SCHEDULE_FIELDS = {
  name: { type: 'string', required: true },
  start: { type: 'string', required: true },
  end: { type: 'string', required: true },
  timeZone: { type: 'string', required: false },
  minReplicas: { type: 'integer', required: true },
} satisfies FieldsOf<PolicyScheduleSpec>;

const FORECAST_FIELDS = {
  lookaheadSeconds: { type: 'integer', required: true },
  windowSeconds: { type: 'integer', required: true },
} satisfies FieldsOf<PolicyForecastSpec>;

const SCALE_DOWN_FIELDS = {
  stabilizationSeconds: { type: 'integer', required: false },
} satisfies FieldsOf<NonNullable<PolicySpec['scaleDown']>>;

const FALLBACK_FIELDS = {
  staleAfterSeconds: { type: 'integer', required: false },
  replicas: { type: 'integer', required: false },
} satisfies FieldsOf<NonNullable<KiadaServiceCountSpec['fallback']>>;

const TARGET_REF_FIELDS = {
  name: { type: 'string', required: false },
} satisfies FieldsOf<NonNullable<KiadaServiceCountSpec['targetRef']>>;

const STATUS_FIELDS = {
  ready: { type: 'boolean', required: false },
  observedGeneration: { type: 'integer', required: false },
  desiredReplicas: { type: 'integer', required: false },
  replicas: { type: 'integer', required: false },
  readyReplicas: { type: 'integer', required: false },
  lastScaleTime: { type: 'string', required: false },
  policySource: { type: 'string', required: false },
  conditions: { type: 'array', required: false },
} satisfies FieldsOf<KiadaServiceCountStatus>;

const CONDITION_FIELDS = {
  type: { type: 'string', required: true },
  status: { type: 'string', required: true },
  reason: { type: 'string', required: true },
  message: { type: 'string', required: true },
  lastTransitionTime: { type: 'string', required: true },
  observedGeneration: { type: 'integer', required: false },
} satisfies FieldsOf<Condition>;

const CONDITION_STATUSES: Condition['status'][] = ['True', 'False', 'Unknown'];

/** The manifest from the original report, which must keep working unchanged. */
const SEED_MANIFEST = {
  apiVersion: 'hanyang.ac.kr/v1',
  kind: 'KiadaServiceCount',
  metadata: { name: 'hanyang-kiada-autoscaler' },
  spec: { owner: 'hanyang-university-graduation-37-team', kiadaServiceCount: 1 },
};

function expectFields(
  schema: V1JSONSchemaProps | undefined,
  fields: Record<string, { type: SchemaType; required: boolean }>,
): void {
  expect(schema?.type).toBe('object');
  const properties = schema?.properties ?? {};
  expect(Object.keys(properties).sort()).toEqual(Object.keys(fields).sort());
  for (const [name, field] of Object.entries(fields)) {
    expect({ name, type: properties[name].type }).toEqual({ name, type: field.type });
  }
  const required = Object.entries(fields)
    .filter(([, field]) => field.required)
    .map(([name]) => name)
    .sort();
  expect([...(schema?.required ?? [])].sort()).toEqual(required);
}

/** The subset of structural-schema validation this CRD uses: types, required, minimum, enum. */
function violations(schema: V1JSONSchemaProps, value: unknown, path = ''): string[] {
  const type = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type && schema.type !== type) return [`${path}: want ${schema.type}, got ${type}`];
  const problems: string[] = [];
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) {
    problems.push(`${path}: below minimum ${schema.minimum}`);
  }
  if (schema._enum && !schema._enum.includes(value)) problems.push(`${path}: not in enum`);
  if (type === 'object' && value && schema.properties) {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in object)) problems.push(`${path}.${name}: required`);
    }
    for (const [name, child] of Object.entries(object)) {
      const childSchema = schema.properties[name];
      if (childSchema) problems.push(...violations(childSchema, child, `${path}.${name}`));
    }
  }
  return problems;
}

describe('KiadaServiceCount CRD', () => {
  const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(CRD_PATH, 'utf8'));
  const version = crd.spec.versions.find((item) => item.name === KSC_VERSION)!;
  const root = version?.schema?.openAPIV3Schema;
  const spec = root?.properties?.spec;
  const status = root?.properties?.status;

  it('names the group, version, kind and plural the code uses', () => {
    expect(crd.metadata?.name).toBe(`${KSC_PLURAL}.${KSC_GROUP}`);
    expect(crd.spec.group).toBe(KSC_GROUP);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({
      kind: KSC_KIND,
      plural: KSC_PLURAL,
      shortNames: ['ksc'],
    });
    expect(version).toMatchObject({ served: true, storage: true });
  });

  it('has the status and scale subresources', () => {
    expect(version.subresources?.status).toEqual({});
    expect(version.subresources?.scale).toMatchObject({
      specReplicasPath: '.spec.kiadaServiceCount',
      statusReplicasPath: '.status.replicas',
    });
  });

  it('prints owner, desired, replicas, ready, paused, signal, policy source and age', () => {
    expect(
      version.additionalPrinterColumns?.map((column) => [column.name, column.jsonPath]),
    ).toEqual([
      ['Owner', '.spec.owner'],
      ['Desired', '.spec.kiadaServiceCount'],
      ['Replicas', '.status.replicas'],
      ['Ready', '.status.ready'],
      ['Paused', '.status.conditions[?(@.type=="Paused")].status'],
      ['Signal', '.status.conditions[?(@.type=="SignalFresh")].reason'],
      ['Policy', '.status.policySource'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
  });

  it('matches the TypeScript types field by field', () => {
    expectFields(spec, SPEC_FIELDS);
    expectFields(spec?.properties?.targetRef, TARGET_REF_FIELDS);
    expectFields(spec?.properties?.fallback, FALLBACK_FIELDS);
    const policy = spec?.properties?.policy;
    expectFields(policy, POLICY_FIELDS);
    // `items` is not deserialised by client-node: its schema keeps the YAML's names.
    expectFields(policy?.properties?.tiers?.items as V1JSONSchemaProps, TIER_FIELDS);
    expectFields(policy?.properties?.schedules?.items as V1JSONSchemaProps, SCHEDULE_FIELDS);
    expectFields(policy?.properties?.forecast, FORECAST_FIELDS);
    expectFields(policy?.properties?.scaleDown, SCALE_DOWN_FIELDS);
    expect(status?.properties?.policySource?._enum).toEqual(['resource', 'environment']);
    expectFields(status, STATUS_FIELDS);
    expectFields(status?.properties?.conditions?.items as V1JSONSchemaProps, CONDITION_FIELDS);
    const conditionStatus = (status?.properties?.conditions?.items as V1JSONSchemaProps).properties
      ?.status;
    // `items` is not deserialised by client-node, so its keywords keep their YAML names.
    expect((conditionStatus as { enum?: unknown })?.enum).toEqual(CONDITION_STATUSES);
  });

  it('requires kiadaServiceCount to be an integer >= 0 and defaults the target to kiada', () => {
    expect(spec?.properties?.kiadaServiceCount).toMatchObject({ type: 'integer', minimum: 0 });
    expect(spec?.properties?.targetRef?.properties?.name?._default).toBe('kiada');
  });

  it('bounds the fallback and defaults its stale time to what the operator assumes', () => {
    const fallback = spec?.properties?.fallback?.properties;
    expect(fallback?.staleAfterSeconds).toMatchObject({ type: 'integer', minimum: 1 });
    expect(fallback?.staleAfterSeconds?._default).toBe(DEFAULT_STALE_AFTER_SECONDS);
    expect(fallback?.replicas).toMatchObject({ type: 'integer', minimum: 0 });
    const withFallback = (fallbackSpec: unknown) => ({
      ...SEED_MANIFEST,
      spec: { ...SEED_MANIFEST.spec, fallback: fallbackSpec },
    });
    expect(violations(root!, withFallback({ staleAfterSeconds: 30, replicas: 5 }))).toEqual([]);
    expect(violations(root!, withFallback({ staleAfterSeconds: 0 }))).toEqual([
      '.spec.fallback.staleAfterSeconds: below minimum 1',
    ]);
    expect(violations(root!, withFallback({ replicas: -1 }))).toEqual([
      '.spec.fallback.replicas: below minimum 0',
    ]);
  });

  it("accepts the seed's manifest unchanged and rejects invalid counts", () => {
    expect(violations(root!, SEED_MANIFEST)).toEqual([]);
    const withCount = (count: unknown) => ({
      ...SEED_MANIFEST,
      spec: { ...SEED_MANIFEST.spec, kiadaServiceCount: count },
    });
    expect(violations(root!, withCount(-1))).toEqual(['.spec.kiadaServiceCount: below minimum 0']);
    expect(violations(root!, withCount('3'))).toHaveLength(1);
    expect(violations(root!, withCount(1.5))).toHaveLength(1);
    expect(violations(root!, { ...SEED_MANIFEST, spec: { owner: 'x' } })).toEqual([
      '.spec.kiadaServiceCount: required',
    ]);
  });

  it('checks spec.policy with CEL rules whose messages say what to fix', () => {
    const policy = spec?.properties?.policy;
    const messages = (schema: unknown) =>
      (
        (schema as { 'x-kubernetes-validations'?: Array<{ message: string }> })?.[
          'x-kubernetes-validations'
        ] ??
        (schema as V1JSONSchemaProps)?.x_kubernetes_validations ??
        []
      ).map((rule) => rule.message);
    expect(messages(policy)).toEqual(['minReplicas must not be greater than maxReplicas']);
    expect(messages(policy?.properties?.tiers)).toEqual([
      'tiers must have strictly increasing belowUsers (each tier above the one before it)',
      'tiers must not give fewer replicas to more users (replicas never decreasing)',
    ]);
    const schedule = policy?.properties?.schedules?.items as Record<string, unknown>;
    expect(messages(schedule)).toEqual([
      'start and end must differ (the window would never be open)',
    ]);
    // Schedules are a map keyed by name: two with one name are refused by the API server.
    expect(policy?.properties?.schedules).toMatchObject({
      x_kubernetes_list_type: 'map',
      x_kubernetes_list_map_keys: ['name'],
    });
  });

  it("accepts the issue's example policy and rejects negative values", () => {
    const withPolicy = (policySpec: unknown) => ({
      ...SEED_MANIFEST,
      spec: { ...SEED_MANIFEST.spec, policy: policySpec },
    });
    const example = {
      tiers: [
        { belowUsers: 1000, replicas: 2 },
        { belowUsers: 10000, replicas: 3 },
      ],
      stepUsers: 20000,
      minReplicas: 2,
      maxReplicas: 100,
      scaleDown: { stabilizationSeconds: 300 },
      schedules: [
        {
          name: 'office-hours',
          start: '0 8 * * 1-5',
          end: '0 18 * * 1-5',
          timeZone: 'Asia/Seoul',
          minReplicas: 5,
        },
      ],
      forecast: { lookaheadSeconds: 120, windowSeconds: 300 },
    };
    expect(violations(root!, withPolicy(example))).toEqual([]);
    expect(violations(root!, withPolicy({ minReplicas: -1, stepUsers: 0 }))).toEqual([
      '.spec.policy.minReplicas: below minimum 0',
      '.spec.policy.stepUsers: below minimum 1',
    ]);
  });
});
