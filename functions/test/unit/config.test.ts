import { expect } from "chai";
import { buildConfig } from "../../src/config";
import { PARAMS, paramDefaults } from "../../src/params";

const raw = {
  PROVIDER: "didimo",
  HEYGEN_API_VERSION: "v2",
  HEYGEN_API_BASE_URL: "http://127.0.0.1:9310/",
  HEYGEN_FALLBACK_AVATAR_ID: " ",
};
const runtime = { projectId: "demo-x", isEmulator: true, defaultBucket: "demo-x.appspot.com" };

describe("config.buildConfig", () => {
  it("applies defaults and trims values", () => {
    const c = buildConfig(raw, runtime);
    expect(c.storageBucket).to.equal("demo-x.appspot.com");
    expect(c.heygen.apiBaseUrl).to.equal("http://127.0.0.1:9310");
    expect(c.heygen.fallbackAvatarId).to.equal(null);
    expect(c.heygen.listCacheSeconds).to.equal(600);
    expect(c.provider).to.deep.equal({
      name: "didimo",
      baseUrl: null,
      jobDeadlineMinutes: 60,
      downloadHosts: [],
    });
    expect(c.heygen.downloadHosts).to.deep.equal([]);
    expect(c.corsOrigins).to.include("https://demo-x.web.app");
    expect(c.quotas).to.deep.equal({
      videosPerUserPerDay: 5,
      avatarJobsPerUserPerDay: 5,
      pendingAvatarJobsPerUser: 2,
      videoStatusPerUserPerMinute: 30,
      videoStatusFreshSeconds: 10,
      heygenVideosPerDay: 200,
      projectsPerUser: 100,
    });
  });

  it("refuses unknown providers and API versions with the param's name", () => {
    expect(() => buildConfig({ ...raw, PROVIDER: "rpm" }, runtime)).to.throw(/PROVIDER/);
    expect(() => buildConfig({ ...raw, HEYGEN_API_VERSION: "v4" }, runtime)).to.throw(
      /HEYGEN_API_VERSION/,
    );
  });

  it("keeps ints within their defined bounds", () => {
    const c = buildConfig(
      {
        HEYGEN_POLL_CONCURRENCY: 99,
        HEYGEN_RENDER_DEADLINE_MINUTES: 0,
        QUOTA_VIDEOS_PER_USER_PER_DAY: -3,
        MINIMUM_AGE: 0,
      },
      runtime,
    );
    expect(c.heygen.pollConcurrency).to.equal(20);
    expect(c.heygen.renderDeadlineMinutes).to.equal(1);
    expect(c.quotas.videosPerUserPerDay).to.equal(0);
    expect(c.consent.minimumAge).to.equal(1);
    expect(c.params.HEYGEN_POLL_CONCURRENCY).to.equal(20);
  });

  it("reads the extra download hosts as trimmed lists", () => {
    const c = buildConfig(
      {
        ...raw,
        PROVIDER_DOWNLOAD_HOSTS: " *.s3.example.com, cdn.example:8443 ,",
        HEYGEN_DOWNLOAD_HOSTS: "x.cloudfront.net",
      },
      runtime,
    );
    expect(c.provider.downloadHosts).to.deep.equal(["*.s3.example.com", "cdn.example:8443"]);
    expect(c.heygen.downloadHosts).to.deep.equal(["x.cloudfront.net"]);
  });

  it("HEYGEN_AUDIO_SOURCE: upload by default, url on request, anything else refused by name", () => {
    expect(buildConfig(raw, runtime).heygen.audioSource).to.equal("upload");
    expect(
      buildConfig({ ...raw, HEYGEN_AUDIO_SOURCE: " url " }, runtime).heygen.audioSource,
    ).to.equal("url");
    expect(() => buildConfig({ ...raw, HEYGEN_AUDIO_SOURCE: "link" }, runtime)).to.throw(
      /HEYGEN_AUDIO_SOURCE/,
    );
  });

  it("takes an explicit CORS list", () => {
    const c = buildConfig(
      { ...raw, CORS_ORIGINS: "https://a.example, https://b.example" },
      runtime,
    );
    expect(c.corsOrigins).to.deep.equal(["https://a.example", "https://b.example"]);
  });

  it("carries every setting's value by name, defaults included", () => {
    const c = buildConfig({}, runtime);
    expect(c.params).to.deep.equal(paramDefaults());
    expect(Object.keys(c.params)).to.have.length(
      Object.values(PARAMS).filter((d) => d.kind !== "secret").length,
    );
  });
});
