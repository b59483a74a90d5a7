using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Monitoring.Configuration;

namespace Monitoring.Tests.Configuration;

public class OptionsRegistrationTests
{
    [Fact]
    public void A_registered_section_is_the_loaded_instance_and_its_options_are_checked_by_its_validator()
    {
        var events = new EventOptions { ConfirmFrames = 3, WindowFrames = 5 };
        using var services = new ServiceCollection().AddSection(events, new EventOptionsValidator()).BuildServiceProvider();
        Assert.Same(events, services.GetRequiredService<EventOptions>());
        Assert.Same(events, services.GetRequiredService<IOptions<EventOptions>>().Value);

        events.WindowFrames = 40;
        using var invalid = new ServiceCollection().AddSection(events, new EventOptionsValidator()).BuildServiceProvider();
        var e = Assert.Throws<ConfigException>(() => invalid.GetRequiredService<IOptions<EventOptions>>().Value);
        Assert.Contains("alerts.events.windowFrames is 40: use 1 to 32.", e.Errors);
    }

    [Fact]
    public async Task The_host_refuses_to_start_on_an_invalid_section_naming_its_json_path()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSection(new CaptureOptions { ReadTimeoutMs = 5 }, new CaptureOptionsValidator());
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<ConfigException>(() => host.StartAsync());
        Assert.Equal(["capture.readTimeoutMs: must be >= 100"], e.Errors);
    }
}
