import { crdManifest } from './crd-manifest.js';

describe('crdManifest', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'kiadaservicecounts.hanyang.ac.kr' },
    spec: { group: 'hanyang.ac.kr', versions: [{ name: 'v1', served: true, storage: true }] },
  };

  it('takes the name, the spec and the version names of a CRD', () => {
    expect(crdManifest(crd, 'crd.json')).toEqual({
      name: 'kiadaservicecounts.hanyang.ac.kr',
      spec: crd.spec,
      versions: ['v1'],
    });
  });

  it.each([
    [null, 'crd.json holds no object'],
    [{ ...crd, kind: 'ConfigMap', apiVersion: 'v1' }, 'crd.json is a ConfigMap of v1'],
    [{ ...crd, metadata: {} }, 'crd.json has no metadata.name'],
    [{ ...crd, spec: { versions: [] } }, 'crd.json has no spec.versions'],
  ])('refuses %j, naming the problem', (parsed, message) => {
    expect(() => crdManifest(parsed, 'crd.json')).toThrow(
      `${message}: expected one apiextensions.k8s.io/v1 CustomResourceDefinition`,
    );
  });
});
