using System.Diagnostics;
using System.Net.Http.Headers;
using Xunit;

namespace Interlock.Server.Tests;

public sealed class ServerShutdownTests
{
    [Fact]
    public async Task The_server_stops_promptly_with_live_feed_streams_open()
    {
        var t = await TestServer.StartAsync();
        var streams = new List<(HttpClient Client, HttpResponseMessage Response, StreamReader Reader)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var c = TestServer.Client(t.Url, t.Ana);
                var response = await c.GetAsync("events", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
                var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                while (await reader.ReadLineAsync() is { } line && line != "data: hello") { }
                streams.Add((c, response, reader));
            }
            var stopping = Stopwatch.StartNew();
            await t.DisposeAsync();
            // The host's shutdown timeout is 30 s; open streams must not hold the server that long.
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed.TotalSeconds:0.0} s");
            foreach (var s in streams)
            {
                // Each stream has ended (end of stream or a reset connection), not left hanging.
                var end = Task.Run(async () => { try { while (await s.Reader.ReadLineAsync() is not null) { } } catch (IOException) { } catch (HttpRequestException) { } });
                Assert.Same(end, await Task.WhenAny(end, Task.Delay(5000)));
            }
        }
        finally
        {
            foreach (var s in streams) { s.Reader.Dispose(); s.Response.Dispose(); s.Client.Dispose(); }
        }
    }
}
