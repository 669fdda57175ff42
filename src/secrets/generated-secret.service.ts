import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig, GeneratedSecretConfig } from '../config/index.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import { SecretApi, type SecretState } from '../kubernetes/ports/secret.api.js';
import { planGeneratedSecret, type SecretPlan } from './secret-plan.js';

/** Another writer got there first this many times in a row: give up (the Job retries). */
const ATTEMPTS = 5;

/** Labels of a Secret this role creates; no app.kubernetes.io/instance (docs: Argo CD). */
const LABELS = {
  'app.kubernetes.io/part-of': 'kiada-autoscaler',
  'app.kubernetes.io/component': 'generated-secret',
  'app.kubernetes.io/managed-by': 'kiada-autoscaler',
};

/**
 * The `secrets` role: makes sure the Secret GENERATED_SECRET_NAME holds every key of
 * GENERATED_SECRET_KEYS, creating it or adding the missing keys, and never changes a key
 * it holds. Run by the chart's hook Job at every install and upgrade (and by Argo CD at
 * every sync), so rendering the chart needs no random value and no `lookup`.
 */
@Injectable()
export class GeneratedSecretService {
  private readonly logger = new Logger('GeneratedSecret');
  private readonly wanted: GeneratedSecretConfig;
  private readonly creator: string;

  constructor(
    private readonly secrets: SecretApi,
    config: ConfigService<AppConfig, true>,
  ) {
    const wanted = config.get('generatedSecret', { infer: true });
    if (!wanted) throw new Error('GeneratedSecretService runs with APP_ROLE=secrets only');
    this.wanted = wanted;
    this.creator = config.get('kubernetes', { infer: true }).eventSource.instance;
  }

  /** Resolves what it did, for the log and the tests. */
  async ensure(): Promise<SecretPlan> {
    const { namespace, name } = this.wanted;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ensureOnce();
      } catch (error) {
        // 409: created or changed meanwhile (another Job, a person): plan again from it.
        if (!(error instanceof KubernetesApiError && error.conflict) || attempt >= ATTEMPTS) {
          throw error;
        }
        this.logger.warn(`Secret ${namespace}/${name} changed meanwhile: reading it again`);
      }
    }
  }

  private async ensureOnce(): Promise<SecretPlan> {
    const { namespace, name, keys } = this.wanted;
    const current = await this.secrets.getSecret(namespace, name);
    const needsSources = !current || keys.some((key) => !(key in current.data));
    const sources = needsSources ? await this.readSources() : [];
    const plan = planGeneratedSecret(keys, current, sources);
    if (plan.action === 'none') {
      this.logger.log(`Secret ${namespace}/${name} holds ${keys.join(', ')}: left as it is`);
      return plan;
    }
    if (plan.action === 'create') {
      await this.secrets.createSecret({
        metadata: {
          name,
          namespace,
          labels: LABELS,
          annotations: { 'kiada-autoscaler.hanyang.ac.kr/created-by': this.creator },
        },
        data: plan.data,
      });
    } else {
      await this.secrets.addSecretData(
        namespace,
        name,
        plan.data,
        current!.metadata.resourceVersion!,
      );
    }
    this.logger.log(
      `${plan.action === 'create' ? 'created' : 'completed'} Secret ${namespace}/${name}: ` +
        [
          plan.generated.length ? `generated ${plan.generated.join(', ')}` : '',
          ...plan.adopted.map(({ key, from }) => `${key} taken from Secret ${from}`),
        ]
          .filter(Boolean)
          .join('; '),
    );
    return plan;
  }

  private async readSources(): Promise<SecretState[]> {
    const { namespace, adoptFrom } = this.wanted;
    const found = await Promise.all(
      adoptFrom.map((source) => this.secrets.getSecret(namespace, source)),
    );
    return found.filter((secret): secret is SecretState => secret !== null);
  }
}
