global using Dashboard.Model;
