using System.Text;
using Monitoring.Web;

namespace Monitoring.Tests.Web;

public sealed class DashboardAccessTests
{
    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Theory]
    [InlineData("http://127.0.0.1:9464", true)]
    [InlineData("http://127.0.0.2:80", true)]
    [InlineData("http://localhost:9464", true)]
    [InlineData("http://[::1]:9464", true)]
    [InlineData("http://0.0.0.0:9464", false)]
    [InlineData("http://*:9464", false)]
    [InlineData("http://+:9464", false)]
    [InlineData("http://[::]:9464", false)]
    [InlineData("http://192.0.2.10:9464", false)]
    [InlineData("http://monitoring.example:9464", false)]
    public void Loopback_is_told_from_wider_bindings(string url, bool loopback) => Assert.Equal(loopback, DashboardAccess.IsLoopback(url));

    [Fact]
    public void On_loopback_the_dashboard_is_open()
    {
        var access = new DashboardAccess(["http://127.0.0.1:9464"], "TOKEN_VAR", token: null);
        Assert.False(access.TokenRequired);
        Assert.False(access.Locked);
        Assert.True(access.Allows(null));
    }

    [Fact]
    public void Bound_wider_it_needs_the_token_as_bearer_or_basic_password()
    {
        var access = new DashboardAccess(["http://127.0.0.1:9464", "http://0.0.0.0:9465"], "TOKEN_VAR", "s3cret-token");
        Assert.True(access.TokenRequired);
        Assert.False(access.Locked);
        Assert.False(access.Allows(null));
        Assert.False(access.Allows(""));
        Assert.False(access.Allows("Bearer wrong"));
        Assert.False(access.Allows("Bearer s3cret-token-and-more"));
        Assert.False(access.Allows(Basic("operator", "wrong")));
        Assert.False(access.Allows("Basic %%%not-base64"));
        Assert.True(access.Allows("Bearer s3cret-token"));
        Assert.True(access.Allows(Basic("operator", "s3cret-token")));
        Assert.True(access.Allows(Basic("", "s3cret-token")));
    }

    [Fact]
    public void Bound_wider_without_a_token_everything_is_refused_and_the_message_names_the_variable_not_a_secret()
    {
        var access = new DashboardAccess(["http://0.0.0.0:9464"], "MY_DASH_TOKEN", token: "");
        Assert.True(access.Locked);
        Assert.False(access.Allows("Bearer "));
        Assert.Contains("MY_DASH_TOKEN", access.LockedMessage);
        Assert.Contains("127.0.0.1", access.LockedMessage);
    }

    [Fact]
    public void Csrf_needs_the_token_header_and_a_same_origin()
    {
        var csrf = new CsrfToken();
        Assert.True(csrf.Value.Length >= 40);
        Assert.NotEqual(csrf.Value, new CsrfToken().Value);
        Assert.Null(csrf.Check(csrf.Value, null, "127.0.0.1:9464"));
        Assert.Null(csrf.Check(csrf.Value, "http://127.0.0.1:9464", "127.0.0.1:9464"));
        Assert.Contains("X-CSRF-Token", csrf.Check(null, null, "127.0.0.1:9464"));
        Assert.Contains("X-CSRF-Token", csrf.Check(csrf.Value + "x", null, "127.0.0.1:9464"));
        Assert.Contains("cross-origin", csrf.Check(csrf.Value, "http://evil.example", "127.0.0.1:9464"));
    }
}
