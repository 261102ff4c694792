import { describe, expect, it } from 'vitest';
import { parseSettings } from '../../infra/config';
import { ContextSettingError } from '../../shared/context-settings';

const prod = {
  stage: 'prod',
  domain: 'id.acme-corp.io',
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  hostedZoneName: 'acme-corp.io',
  emailDomain: 'acme-corp.io',
  alarmEmail: 'ops@acme-corp.io',
  clients: [{ id: 'web', name: 'Web', type: 'public', redirectUris: ['https://app.acme-corp.io/cb'] }],
};

const problemsOf = (raw: Record<string, unknown>, defaults = {}) => {
  try {
    parseSettings(raw, defaults);
    return [];
  } catch (error) {
    if (!(error instanceof ContextSettingError)) throw error;
    return error.problems;
  }
};

describe('stage configuration, checked at synth', () => {
  it('accepts a production stage and derives the email settings', () => {
    const config = parseSettings(prod);
    expect(config.email).toEqual({ identity: 'acme-corp.io', domain: 'acme-corp.io', from: 'no-reply@acme-corp.io', fromName: 'Gatehouse', mailFromDomain: 'bounce.acme-corp.io' });
    expect(config.wafRateLimits).toEqual({ login: 300, token: 300, forgot: 20, signup: 20, authorize: 300, all: 3000 });
    expect(config.routeThrottles['POST /v1/auth/login']).toEqual({ rateLimit: 50, burstLimit: 100 });
  });

  it('requires a domain, an email domain and an alarm address outside dev, naming each key', () => {
    expect(problemsOf({ stage: 'prod', senderEmail: 'no-reply@acme-corp.io' })).toEqual(
      expect.arrayContaining([
        'gatehouse:domain: is required outside the dev stage (stage prod)',
        'gatehouse:emailDomain: is required outside the dev stage (stage prod)',
        'gatehouse:alarmEmail: is required outside the dev stage (stage prod)',
        'gatehouse:senderEmail: is for the dev stage only; use gatehouse:emailDomain (and gatehouse:emailFrom)',
      ]),
    );
  });

  it('refuses demo clients, loopback and http redirects and example names outside dev, unless allowDemo', () => {
    const demo = {
      ...prod,
      emailDomain: 'example.com',
      clients: [{ id: 'demo-web', name: 'Demo', type: 'public', redirectUris: ['http://127.0.0.1:8976/callback'] }],
    };
    expect(problemsOf(demo)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gatehouse:emailDomain: example.com is a reserved example name/),
        expect.stringMatching(/^gatehouse:clients\[0\] "demo-web": demo clients are refused/),
        expect.stringMatching(/^gatehouse:clients\[0\] "demo-web" redirectUris: http:\/\/127.0.0.1:8976\/callback is http or loopback/),
      ]),
    );
    expect(problemsOf({ ...demo, allowDemo: 'true' })).toEqual([]);
    expect(problemsOf({ ...demo, stage: 'dev', domain: undefined, hostedZoneId: undefined, hostedZoneName: undefined })).toEqual([]);
    const catalog = [{ name: 'settings:read', description: 'Read', module: 'settings', defaultFor: [] }];
    expect(problemsOf({ ...prod, permissions: catalog }, { permissions: catalog })).toEqual([expect.stringMatching(/^gatehouse:permissions: the demo catalog/)]);
  });

  it('says what is wrong with each value', () => {
    expect(problemsOf({ ...prod, auditRetentionDays: 0 })).toEqual([expect.stringMatching(/^gatehouse:auditRetentionDays: /)]);
    expect(problemsOf({ ...prod, auditRetentionDays: 'soon' })).toEqual([expect.stringMatching(/^gatehouse:auditRetentionDays: /)]);
    expect(problemsOf({ ...prod, stage: 'Prod!' })).toEqual([expect.stringMatching(/^gatehouse:stage: must be 1–20 of a-z/)]);
    expect(problemsOf({ ...prod, certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' })).toEqual([expect.stringMatching(/^gatehouse:certificateArn: must be an ACM certificate ARN in us-east-1/)]);
    expect(problemsOf({ ...prod, domain: 'id.other.io' })).toEqual(['gatehouse:domain: must be inside the hosted zone acme-corp.io']);
    expect(problemsOf({ ...prod, wafRateLimits: { login: 5 } })).toEqual([expect.stringMatching(/^gatehouse:wafRateLimits login: /)]);
    expect(problemsOf({ ...prod, routeThrottles: { 'POST /v1/auth/login': { rateLimit: 0, burstLimit: 1 } } })).toEqual([expect.stringMatching(/^gatehouse:routeThrottles POST \/v1\/auth\/login\.rateLimit: /)]);
    expect(problemsOf({ ...prod, domainNames: ['id.acme-corp.io'] })).toEqual([expect.stringMatching(/^gatehouse:domainNames: replaced by gatehouse:domain/)]);
    expect(problemsOf({ ...prod, throttle: '{"rateLimit":' })).toEqual([expect.stringMatching(/not valid JSON/)]);
  });
});

describe('gatehouse:scimRequestsPerSecond', () => {
  it('is 50 unless set, takes a -c text value, and refuses what is not a whole number from 1 to 10,000', () => {
    expect(parseSettings(prod).scimRequestsPerSecond).toBe(50);
    expect(parseSettings({ ...prod, scimRequestsPerSecond: '120' }).scimRequestsPerSecond).toBe(120);
    expect(problemsOf({ ...prod, scimRequestsPerSecond: '0' }).join('\n')).toContain('gatehouse:scimRequestsPerSecond');
    expect(problemsOf({ ...prod, scimRequestsPerSecond: 2.5 }).join('\n')).toContain('gatehouse:scimRequestsPerSecond');
  });
});
