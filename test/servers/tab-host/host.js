// A stand-in for the Azure DevOps web host frame. It handles the extension SDK's XDM messages
// (azure-devops-extension-sdk 4 sends JSON strings with postMessage) as the real host does for
// a build results tab: the initial handshake, getService for the services the tab uses, access
// tokens, and the load notifications, which it records for the tests.
'use strict';

(function () {
  const config = JSON.parse(document.getElementById('host-config').textContent);
  const frame = document.getElementById('tab');
  const extensionOrigin = new URL(config.tabUrl).origin;

  /** Calls the tab made to the host, in order, for the tests to read. */
  const events = [];
  window.hostEvents = events;

  const proxies = {};
  let nextProxyId = 1;

  // Registers `fn` so the frame can call it; XDM sends functions as { __proxyFunctionId }.
  function proxy(fn) {
    const id = nextProxyId++;
    proxies['proxy' + id] = fn;
    return { __proxyFunctionId: id, _channelId: 1 };
  }

  const services = {
    'ms.vss-features.location-service': {
      getResourceAreaLocation: proxy(() => config.apiRoot),
      getServiceLocation: proxy(() => config.apiRoot),
    },
    'ms.vss-tfs-web.tfs-page-data-service': {
      getProject: proxy(() => ({ id: config.project.id, name: config.project.name })),
    },
    'ms.vss-build-web.build-page-data-service': {
      getBuildPageData: proxy(() => (config.buildId === undefined ? undefined : { build: { id: config.buildId } })),
    },
  };

  const hostControl = {
    initialHandshake(options) {
      events.push({ method: 'initialHandshake', sdkVersion: options && options.sdkVersion, loaded: options && options.loaded });
      return {
        contributionId: config.contributionId,
        initialConfig: config.initialConfig,
        themeData: {},
        context: {
          extension: { publisherId: 'test-publisher', extensionId: 'promote-models', id: 'test-publisher.promote-models', version: '1.0.0' },
          user: { id: 'user-1', name: 'Test User', displayName: 'Test User', descriptor: 'aad.dXNlcg', imageUrl: '' },
          host: { id: 'host-1', name: 'contoso', serviceVersion: 'test', type: 4, isHosted: true },
          pageContext: { webContext: { project: config.project, team: { id: 'team-1', name: 'Team' } } },
        },
      };
    },
    notifyLoadSucceeded() {
      events.push({ method: 'notifyLoadSucceeded' });
    },
    notifyLoadFailed(error) {
      const message = typeof error === 'string' ? error : error && error.message;
      events.push({ method: 'notifyLoadFailed', message });
    },
    getAccessToken() {
      events.push({ method: 'getAccessToken' });
      return { token: config.accessToken };
    },
    resize() {},
  };

  const serviceManager = {
    getService(contributionId) {
      events.push({ method: 'getService', contributionId });
      const service = services[contributionId];
      if (!service) throw new Error('No service is registered with contribution ID ' + contributionId);
      return service;
    },
  };

  const instances = {
    'DevOps.HostControl': hostControl,
    'DevOps.ServiceManager': serviceManager,
    __proxyFunctions: proxies,
  };

  function send(message) {
    frame.contentWindow.postMessage(JSON.stringify(message), extensionOrigin);
  }

  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || event.origin !== extensionOrigin) return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!message.instanceId) return;

    const instance = instances[message.instanceId];
    const method = instance && instance[message.methodName];
    const reply = { id: message.id, handshakeToken: message.handshakeToken };
    if (typeof method !== 'function') {
      send({ ...reply, error: { message: 'RPC method not found: ' + message.instanceId + '.' + message.methodName } });
      return;
    }
    Promise.resolve()
      .then(() => method.apply(instance, message.params || []))
      .then(
        (result) => send({ ...reply, result }),
        (error) => send({ ...reply, error: { message: String(error && error.message) } }),
      );
  });

  frame.src = config.tabUrl;
})();
