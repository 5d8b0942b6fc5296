"""Development networks: regional, theme and business networks with their areas."""
