import { expect } from "chai";
import { buildConfig } from "../../src/config";

const raw = {
  provider: "didimo",
  storageBucket: "",
  heygenApiVersion: "v2",
  heygenApiBaseUrl: "http://127.0.0.1:9310/",
  heygenUploadBaseUrl: "https://upload.heygen.com",
  heygenFallbackAvatarId: " ",
  providerApiBaseUrl: "",
  corsOrigins: "",
  heygenListCacheSeconds: 600,
};
const runtime = { projectId: "demo-x", isEmulator: true, defaultBucket: "demo-x.appspot.com" };

describe("config.buildConfig", () => {
  it("applies defaults and trims values", () => {
    const c = buildConfig(raw, runtime);
    expect(c.storageBucket).to.equal("demo-x.appspot.com");
    expect(c.heygen.apiBaseUrl).to.equal("http://127.0.0.1:9310");
    expect(c.heygen.fallbackAvatarId).to.equal(null);
    expect(c.provider).to.deep.equal({
      name: "didimo",
      baseUrl: null,
      jobDeadlineMinutes: 60,
      downloadHosts: [],
    });
    expect(c.heygen.downloadHosts).to.deep.equal([]);
    expect(c.corsOrigins).to.include("https://demo-x.web.app");
  });

  it("refuses unknown providers and API versions with the param's name", () => {
    expect(() => buildConfig({ ...raw, provider: "rpm" }, runtime)).to.throw(/PROVIDER/);
    expect(() => buildConfig({ ...raw, heygenApiVersion: "v4" }, runtime)).to.throw(
      /HEYGEN_API_VERSION/,
    );
  });

  it("reads the extra download hosts as trimmed lists", () => {
    const c = buildConfig(
      {
        ...raw,
        providerDownloadHosts: " *.s3.example.com, cdn.example:8443 ,",
        heygenDownloadHosts: "x.cloudfront.net",
      },
      runtime,
    );
    expect(c.provider.downloadHosts).to.deep.equal(["*.s3.example.com", "cdn.example:8443"]);
    expect(c.heygen.downloadHosts).to.deep.equal(["x.cloudfront.net"]);
  });

  it("HEYGEN_AUDIO_SOURCE: upload by default, url on request, anything else refused by name", () => {
    expect(buildConfig(raw, runtime).heygen.audioSource).to.equal("upload");
    expect(
      buildConfig({ ...raw, heygenAudioSource: " url " }, runtime).heygen.audioSource,
    ).to.equal("url");
    expect(() => buildConfig({ ...raw, heygenAudioSource: "link" }, runtime)).to.throw(
      /HEYGEN_AUDIO_SOURCE/,
    );
  });

  it("takes an explicit CORS list", () => {
    const c = buildConfig({ ...raw, corsOrigins: "https://a.example, https://b.example" }, runtime);
    expect(c.corsOrigins).to.deep.equal(["https://a.example", "https://b.example"]);
  });
});
