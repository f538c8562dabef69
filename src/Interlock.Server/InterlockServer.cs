using Interlock.State;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Interlock.Server;

/// <summary>A running approval server (Kestrel): what `interlock serve` starts and what the tests start.</summary>
public sealed class InterlockServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerStore _store;
    private readonly Webhooks _webhooks;

    private InterlockServer(WebApplication app, ServerStore store, Webhooks webhooks, ApprovalService service, AuditRetentionService retention)
    {
        _app = app;
        _store = store;
        _webhooks = webhooks;
        Service = service;
        Retention = retention;
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary>Where it listens (with the real port when started on port 0).</summary>
    public string BaseUrl { get; }

    public ApprovalService Service { get; }

    public AuditRetentionService Retention { get; }

    public Task Stopped => _app.WaitForShutdownAsync();

    public static async Task<InterlockServer> StartAsync(ServerOptions options, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        AuditRetentionService.Validate(options); // before anything is opened or listens
        var store = await ServerStore.OpenAsync(options);
        // Configured by its options only: no appsettings.json reloading, whose file watcher watches the working
        // directory and everything below it (a data directory there meant an inotify event read for every WAL write).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Url);
        // Read a request as soon as it is there: by default Kestrel first waits with a one-byte peek (to allocate
        // no buffer for an idle connection), which is one more system call and wake-up per request.
        builder.WebHost.UseSockets(s => s.WaitForDataBeforeAllocatingBuffer = false);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var changes = new ChangeFeed(store.BroadcastChangeAsync);
        store.ListenForChanges(changes.Wake);
        var webhooks = new Webhooks(options.Webhooks, () => store, time);
        var service = new ApprovalService(store, options, changes, webhooks, time);
        var retention = new AuditRetentionService(store, options, time);
        app.UseExceptionHandler(errors => errors.Run(async ctx =>
        {
            // Never a stack trace: the database being down is a 503 that says so; anything else a 500 that says what.
            var e = ctx.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (e is BadHttpRequestException bad)
                await Api.Problem(ctx, bad.StatusCode, "bad request", bad.Message, null);
            else if (e is StateStoreException s)
                await Api.Problem(ctx, 503, "database unavailable", s.Message, null);
            else
                await Api.Problem(ctx, 500, "internal error", $"the server hit an internal error ({e?.GetType().Name}); nothing was approved. Check the server's log.", null);
        }));
        app.Use(async (ctx, next) =>
        {
            ctx.Response.Headers.XContentTypeOptions = "nosniff";
            await next(ctx);
        });
        Api.Map(app, service);
        Api.MapRetention(app, service, retention);
        Dashboard.Map(app, service);
        app.MapFallback((HttpContext ctx) => Api.Problem(ctx, 404, "not found", $"no endpoint {ctx.Request.Method} {ctx.Request.Path}; see GET /openapi.json", "path"));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await webhooks.DisposeAsync();
            await store.DisposeAsync();
            throw;
        }
        retention.Start();
        return new InterlockServer(app, store, webhooks, service, retention);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Retention.DisposeAsync();
        await _webhooks.DisposeAsync();
        await _store.DisposeAsync();
    }
}
